#!/usr/bin/env python3
"""Build the real task instances of tasks/real/*/recipe.json.

    python3 tasks/real/build.py --out OUT [--only ID,...] [--cache DIR]
    python3 tasks/real/build.py --list
    python3 tasks/real/build.py --diff --only ID      # changed files and numbered hunks, to write a recipe

writes OUT/repos/owner__name (one root commit per base snapshot, branch = instance id) and
OUT/tasks.jsonl (one SWE-bench / SWE-rebench record per instance, sorted by instance id). The
sdists are downloaded once with pip into the cache (default .data/sdists) and checked against
their sha256. Standard library, git and pip only. See tasks/real/README.md.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from recipe_tools.builder import BuildFailed, SdistReader, build  # noqa: E402
from recipe_tools.errors import RecipeError  # noqa: E402
from recipe_tools.patches import numbered_hunks  # noqa: E402
from recipe_tools.recipes import load_recipe, recipe_folders  # noqa: E402

DEFAULT_CACHE = os.path.join(HERE, "..", "..", ".data", "sdists")


def select(real_dir, only):
    folders = recipe_folders(real_dir)
    if only:
        wanted = [name.strip() for name in only.split(",") if name.strip()]
        known = {os.path.basename(folder): folder for folder in folders}
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise RecipeError(", ".join(unknown), f"no such recipe in {real_dir} (known: {', '.join(sorted(known)) or 'none'})")
        folders = [known[name] for name in wanted]
    recipes, errors = [], []
    for folder in folders:
        try:
            recipes.append(load_recipe(folder))
        except RecipeError as error:
            errors.append(error)
    return recipes, errors


def list_recipes(recipes):
    for recipe in recipes:
        base, fixed = recipe["base"], recipe["fixed"]
        print(f"{recipe['instance_id']}\t{recipe['repo']}\t{base['package']} {base['version']} -> {fixed['version']}\t"
              f"{recipe['environment']['test_cmd']}\t{len(recipe['FAIL_TO_PASS'])} FAIL_TO_PASS, {len(recipe['PASS_TO_PASS'])} PASS_TO_PASS")


def show_diff(recipes, cache_dir):
    reader = SdistReader(cache_dir)
    for recipe in recipes:
        instance_id = recipe["instance_id"]
        base = reader.files(instance_id, recipe["base"]).files
        fixed = reader.files(instance_id, recipe["fixed"]).files
        changed = sorted(path for path in set(base) | set(fixed) if base.get(path) != fixed.get(path))
        print(f"== {instance_id}: {len(changed)} file(s) differ between {recipe['base']['version']} and {recipe['fixed']['version']}")
        for path in changed:
            state = "added" if path not in base else "deleted" if path not in fixed else "changed"
            print(f"   {state:8} {path}")
        for key in ("patch", "test_patch"):
            for path in recipe[key]["files"]:
                if path not in base and path not in fixed:
                    continue
                for index, hunk in enumerate(numbered_hunks(base.get(path), fixed.get(path))):
                    print(f"--- {key} {path} hunk {index}\n{hunk}", end="")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="output folder (repos/ and tasks.jsonl)")
    parser.add_argument("--only", help="comma-separated instance ids (default: every recipe)")
    parser.add_argument("--cache", default=DEFAULT_CACHE, help="sdist cache folder (default .data/sdists)")
    parser.add_argument("--list", action="store_true", help="print the recipes and exit")
    parser.add_argument("--diff", action="store_true", help="print the release diff of the selected recipes and exit")
    parser.add_argument("--recipes", default=HERE, help=argparse.SUPPRESS)  # tests point this at their own folder
    args = parser.parse_args(argv)
    try:
        recipes, errors = select(args.recipes, args.only)
        if args.list:
            list_recipes(recipes)
            for error in errors:
                print(f"invalid: {error}")
            return 1 if errors else 0
        if errors:
            raise BuildFailed(errors)
        if args.diff:
            show_diff(recipes, os.path.abspath(args.cache))
            return 0
        if not args.out:
            parser.error("--out is required to build")
        if not recipes:
            raise RecipeError("tasks/real", "no recipe.json found")
        path, records = build(recipes, os.path.abspath(args.out), os.path.abspath(args.cache))
    except BuildFailed as failure:
        for error in failure.errors:
            print(f"error: {error}", file=sys.stderr)
        return 1
    except RecipeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{len(records)} instance(s) -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
