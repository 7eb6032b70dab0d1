"""The entry module a cookiecutter-flask repository has: the app made by the package's factory."""

from conduit import create_app

app = create_app()
