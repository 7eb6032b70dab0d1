"""The service layer: business rules between the routes and the models."""
