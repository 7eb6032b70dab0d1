"""A small flask-smorest API that serves its own OpenAPI document at /openapi.json.

It has one planted defect: GET /pets/{pet_id} looks the pet up with PETS[pet_id], so an id
that does not exist is a KeyError, a 500, where the document promises 404.
"""

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort
from marshmallow import Schema, fields, validate


class PetIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    age = fields.Integer(validate=validate.Range(min=0, max=100))


class PetOut(PetIn):
    id = fields.Integer(required=True)


PETS: dict[int, dict] = {}
blueprint = Blueprint("pets", __name__, url_prefix="/pets")


@blueprint.route("")
class Pets(MethodView):
    @blueprint.response(200, PetOut(many=True))
    def get(self):
        return list(PETS.values())

    @blueprint.arguments(PetIn)
    @blueprint.response(201, PetOut)
    def post(self, data):
        pet = {"id": len(PETS) + 1, **data}
        PETS[pet["id"]] = pet
        return pet


@blueprint.route("/<int:pet_id>")
class PetById(MethodView):
    @blueprint.response(200, PetOut)
    @blueprint.alt_response(404, description="no such pet")
    def get(self, pet_id):
        return PETS[pet_id]  # the planted defect: a missing id is a KeyError, a 500

    @blueprint.response(204)
    @blueprint.alt_response(404, description="no such pet")
    def delete(self, pet_id):
        if pet_id not in PETS:
            abort(404, message="no such pet")
        del PETS[pet_id]


def create_app():
    app = Flask(__name__)
    app.config.update(
        API_TITLE="Pets",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = Api(app)
    api.register_blueprint(blueprint)
    return app
