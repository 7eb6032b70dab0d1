from flask_restx import Namespace, Resource

ns = Namespace("meta", path="/", description="Liveness")


@ns.route("/health")
class Health(Resource):
    def get(self):
        return {"status": "ok"}
