"""From recipes to OUT/repos/owner__name and OUT/tasks.jsonl."""
import os

from .errors import RecipeError
from .patches import derive_patch
from .records import task_record, write_tasks
from .repository import GitError, check_out, check_patches_apply, commit_snapshot, excluded, init_repository, iso_date
from .sdists import fetch_sdist, read_sdist


class SdistReader:
    """Fetches and reads each sdist once per build."""

    def __init__(self, cache_dir):
        self.cache_dir = cache_dir
        self._read = {}

    def files(self, instance_id, release):
        path = fetch_sdist(instance_id, release, self.cache_dir)
        if path not in self._read:
            self._read[path] = read_sdist(instance_id, path)
        return self._read[path]


class Prepared:
    """One instance ready to be committed: its base snapshot and its two patches."""

    def __init__(self, recipe, base_files, date, patch, test_patch):
        self.recipe, self.base_files, self.date = recipe, base_files, date
        self.patch, self.test_patch = patch, test_patch


def prepare(recipe, reader):
    instance_id = recipe["instance_id"]
    base = reader.files(instance_id, recipe["base"])
    fixed = reader.files(instance_id, recipe["fixed"])
    patterns = recipe.get("exclude", [])
    base_files = {path: entry for path, entry in base.files.items() if not excluded(path, patterns)}
    for key in ("patch", "test_patch"):
        for path in recipe[key]["files"]:
            if path in base.files and path not in base_files:
                raise RecipeError(instance_id, f"{key}.files: {path} is left out of the repository by exclude")
    patch = derive_patch(instance_id, "patch", recipe["patch"], base_files, fixed.files)
    test_patch = derive_patch(instance_id, "test_patch", recipe["test_patch"], base_files, fixed.files)
    return Prepared(recipe, base_files, iso_date(base.newest_mtime), patch, test_patch)


def commit_message(release):
    name = f"{release['package']} {release['version']}"
    return f"{name}\n\nFiles from the {name} source distribution.\n"


def build(recipes, out_dir, cache_dir, log=print):
    """Builds every recipe; raises RecipeError (the first one) after reporting all of them."""
    reader = SdistReader(cache_dir)
    prepared, errors = [], []
    for recipe in sorted(recipes, key=lambda r: r["instance_id"]):
        try:
            prepared.append(prepare(recipe, reader))
        except RecipeError as error:
            errors.append(error)
    if errors:
        raise BuildFailed(errors)

    by_repo = {}
    for item in prepared:
        by_repo.setdefault(item.recipe["repo"], []).append(item)
    records = []
    for repo, items in sorted(by_repo.items()):
        repo_dir = os.path.join(out_dir, "repos", repo.replace("/", "__"))
        init_repository(repo_dir)
        for item in items:
            instance_id = item.recipe["instance_id"]
            try:
                commit = commit_snapshot(repo_dir, item.base_files, item.date, commit_message(item.recipe["base"]), instance_id)
            except GitError as error:
                errors.append(RecipeError(instance_id, str(error)))
                continue
            try:
                check_patches_apply(instance_id, repo_dir, commit, item.patch, item.test_patch)
            except RecipeError as error:
                errors.append(error)
                continue
            records.append(task_record(item.recipe, commit, item.patch, item.test_patch))
            log(f"{instance_id}: base_commit {commit} ({item.recipe['base']['package']} {item.recipe['base']['version']}), repo {repo_dir}")
        check_out(repo_dir, items[0].recipe["instance_id"])
    if errors:
        raise BuildFailed(errors)
    records.sort(key=lambda r: r["instance_id"])
    return write_tasks(out_dir, records), records


class BuildFailed(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
