class RecipeError(Exception):
    """Something wrong with one instance's recipe or its sources; the message names the instance."""

    def __init__(self, instance_id, message):
        super().__init__(f"{instance_id}: {message}")
        self.instance_id = instance_id
