"""Reading and checking recipe.json files (the format is described in tasks/real/README.md)."""
import json
import os
import re

from .errors import RecipeError

REAL_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECIPE_FILE = "recipe.json"
PROBLEM_FILE = "problem_statement.md"

_REQUIRED = ("instance_id", "repo", "license", "base", "fixed", "patch", "test_patch", "environment",
             "FAIL_TO_PASS", "PASS_TO_PASS", "created_at", "version", "source")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def recipe_folders(real_dir=REAL_DIR):
    """Folders of tasks/real that hold a recipe.json, sorted by name (= instance id)."""
    return sorted(
        os.path.join(real_dir, name) for name in os.listdir(real_dir)
        if os.path.isfile(os.path.join(real_dir, name, RECIPE_FILE))
    )


def load_recipe(folder):
    """The recipe of one folder, checked, with its problem statement under `problem_statement`."""
    name = os.path.basename(os.path.normpath(folder))
    try:
        with open(os.path.join(folder, RECIPE_FILE), encoding="utf-8") as handle:
            recipe = json.load(handle)
    except (OSError, ValueError) as error:
        raise RecipeError(name, f"cannot read {RECIPE_FILE}: {error}") from None
    if not isinstance(recipe, dict):
        raise RecipeError(name, f"{RECIPE_FILE} must hold a JSON object")
    missing = [key for key in _REQUIRED if key not in recipe]
    if missing:
        raise RecipeError(name, f"{RECIPE_FILE} lacks {', '.join(missing)}")
    if recipe["instance_id"] != name:
        raise RecipeError(name, f"instance_id {recipe['instance_id']!r} differs from the folder name")
    if not isinstance(recipe["repo"], str) or not _REPO.match(recipe["repo"]):
        raise RecipeError(name, f"repo {recipe['repo']!r} must look like owner/name")
    for side in ("base", "fixed"):
        _check_release(name, side, recipe[side])
    for key in ("patch", "test_patch"):
        _check_selection(name, key, recipe[key])
    _check_environment(name, recipe["environment"])
    for key in ("FAIL_TO_PASS", "PASS_TO_PASS", "unstable_excluded", "exclude"):
        value = recipe.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise RecipeError(name, f"{key} must be a list of non-empty strings")
    try:
        with open(os.path.join(folder, PROBLEM_FILE), encoding="utf-8") as handle:
            problem = handle.read()
    except OSError as error:
        raise RecipeError(name, f"cannot read {PROBLEM_FILE}: {error}") from None
    if not problem.strip():
        raise RecipeError(name, f"{PROBLEM_FILE} is empty")
    recipe["problem_statement"] = problem
    recipe["folder"] = folder
    return recipe


def _check_release(name, side, release):
    if not isinstance(release, dict) or not all(isinstance(release.get(k), str) and release.get(k) for k in ("package", "version", "sha256")):
        raise RecipeError(name, f"{side} must have package, version and sha256")
    if not _SHA256.match(release["sha256"]):
        raise RecipeError(name, f"{side}.sha256 must be 64 lowercase hex digits, got {release['sha256']!r}")


def _check_selection(name, key, selection):
    files = selection.get("files") if isinstance(selection, dict) else None
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
        raise RecipeError(name, f"{key}.files must be a non-empty list of paths")
    if len(set(files)) != len(files):
        raise RecipeError(name, f"{key}.files names a file twice")
    for path in files:
        if path.startswith("/") or ".." in path.split("/") or "\\" in path:
            raise RecipeError(name, f"{key}.files: {path!r} must be a relative path inside the sdist")
    hunks = selection.get("hunks", {})
    if not isinstance(hunks, dict):
        raise RecipeError(name, f"{key}.hunks must map file paths to lists of hunk indices")
    for path, indices in hunks.items():
        if path not in files:
            raise RecipeError(name, f"{key}.hunks names {path}, which is not in {key}.files")
        if not isinstance(indices, list) or not indices or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in indices):
            raise RecipeError(name, f"{key}.hunks[{path}] must be a non-empty list of 0-based hunk indices")


def _check_environment(name, environment):
    if not isinstance(environment, dict):
        raise RecipeError(name, "environment must be an object")
    for key in ("python", "test_cmd"):
        if not isinstance(environment.get(key), str) or not environment[key].strip():
            raise RecipeError(name, f"environment.{key} must be a non-empty string")
    packages = environment.get("pip_packages", [])
    if not isinstance(packages, list) or not all(isinstance(p, str) and p for p in packages):
        raise RecipeError(name, "environment.pip_packages must be a list of requirement strings")
    if "install" in environment and not isinstance(environment["install"], str):
        raise RecipeError(name, "environment.install must be a string")
