"""Builds real task instances from recipes (tasks/real/<instance_id>/recipe.json); see tasks/real/README.md."""
