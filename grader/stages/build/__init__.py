"""Build: a source tree becomes an image, its Dockerfile judged first."""
