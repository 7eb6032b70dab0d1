from lending import create_app

app = create_app()
