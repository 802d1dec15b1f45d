"""Tests of the real-instance recipe builder (tasks/real/build.py) and checker (tasks/real/check.py).

Synthetic sdists are written into a tmp cache with their sha256 in the recipe, so nothing but the
shipped-recipes test uses the network.
"""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.normpath(os.path.join(HERE, "..", "real"))
sys.path.insert(0, REAL)

from recipe_tools.errors import RecipeError  # noqa: E402
from recipe_tools.recipes import recipe_folders  # noqa: E402
from recipe_tools.repository import excluded  # noqa: E402
from recipe_tools.sdists import fetch_sdist  # noqa: E402
from recipe_tools.outcomes import parse_junit, parse_pytest_summary, parse_unittest  # noqa: E402
from recipe_tools.runs import targets_for  # noqa: E402

BUILD = os.path.join(REAL, "build.py")
CHECK = os.path.join(REAL, "check.py")
BASE_MTIME = 1_700_000_000  # 2023-11-14T22:13:20Z

CORE_BASE = "".join(f"line {i}\n" for i in range(40))
# Two hunks: two lines inserted after line 5, one line changed at line 30.
CORE_FIXED = CORE_BASE.replace("line 5\n", "line 5\nadded a\nadded b\n").replace("line 30\n", "LINE 30\n")


def make_sdist(cache, name, version, files, mtime=BASE_MTIME):
    """A .tar.gz sdist with one top folder; files: path -> text, or (text, executable)."""
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, f"{name}-{version}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for rel, content in sorted(files.items()):
            text, executable = content if isinstance(content, tuple) else (content, False)
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{rel}")
            info.size, info.mtime, info.mode = len(data), mtime, 0o755 if executable else 0o644
            archive.addfile(info, io.BytesIO(data))
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def demo_sdists(cache):
    base = {
        "PKG-INFO": "Name: demo\n",
        "demo/__init__.py": "",
        "demo/core.py": (CORE_BASE, True),
        "demo/old.py": "OLD = 1\n",
        "demo/tail.py": "value = 1",  # no newline at the end
        "docs/index.rst": "demo\n",
        "tests/test_core.py": "def test_core():\n    assert True\n",
    }
    fixed = dict(base, **{
        "PKG-INFO": "Name: demo\nVersion: 1.1\n",
        "demo/core.py": (CORE_FIXED, True),
        "demo/new.py": "NEW = 2\n",
        "demo/tail.py": "value = 2",
        "tests/test_core.py": "def test_core():\n    assert True\n\n\ndef test_new():\n    assert True\n",
    })
    del fixed["demo/old.py"]
    return make_sdist(cache, "demo", "1.0", base, BASE_MTIME), make_sdist(cache, "demo", "1.1", fixed, BASE_MTIME + 86400)


def write_recipe(recipes, name, base_sha, fixed_sha, **overrides):
    recipe = {
        "instance_id": name,
        "repo": "acme/demo",
        "license": "MIT",
        "base": {"package": "demo", "version": "1.0", "sha256": base_sha},
        "fixed": {"package": "demo", "version": "1.1", "sha256": fixed_sha},
        "exclude": ["PKG-INFO", "docs/**"],
        "patch": {"files": ["demo/core.py"]},
        "test_patch": {"files": ["tests/test_core.py"]},
        "environment": {"python": "3.11", "pip_packages": [], "test_cmd": "python3 -m unittest -v"},
        "FAIL_TO_PASS": ["tests.test_core.Placeholder.test_x"],
        "PASS_TO_PASS": [],
        "created_at": "2023-11-15T22:13:20Z",
        "version": "1.0",
        "source": "synthetic",
    }
    recipe.update(overrides)
    folder = os.path.join(recipes, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "recipe.json"), "w") as handle:
        json.dump(recipe, handle, indent=2)
    with open(os.path.join(folder, "problem_statement.md"), "w") as handle:
        handle.write("core gives the wrong line\n")
    return folder


def run_build(tmp_path, out, *args, env=None):
    command = [sys.executable, BUILD, "--recipes", str(tmp_path / "recipes"), "--cache", str(tmp_path / "cache"), "--out", str(out), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def built(out):
    with open(os.path.join(out, "tasks.jsonl")) as handle:
        return {record["instance_id"]: record for record in map(json.loads, handle)}


def git(cwd, *args, stdin=None):
    return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, check=True).stdout


def apply_in_clone(tmp_path, out, record, *patches):
    """A clone of the built repository at base_commit with the given patches applied."""
    dest = tmp_path / f"clone-{len(list(tmp_path.iterdir()))}"
    git(tmp_path, "clone", "-q", str(out / "repos" / record["repo"].replace("/", "__")), str(dest))
    git(dest, "checkout", "-q", "--detach", record["base_commit"])
    for patch in patches:
        git(dest, "apply", "-", stdin=patch)
    return dest


@pytest.fixture
def demo(tmp_path):
    base_sha, fixed_sha = demo_sdists(str(tmp_path / "cache"))
    return tmp_path, base_sha, fixed_sha


def test_a_hunk_selection_keeps_only_the_named_hunks_renumbered_to_apply_exactly(demo):
    tmp_path, base_sha, fixed_sha = demo
    write_recipe(str(tmp_path / "recipes"), "acme__demo-1", base_sha, fixed_sha, patch={"files": ["demo/core.py"], "hunks": {"demo/core.py": [1]}})
    write_recipe(str(tmp_path / "recipes"), "acme__demo-2", base_sha, fixed_sha)
    done = run_build(tmp_path, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    records = built(tmp_path / "out")

    only_second, both = records["acme__demo-1"]["patch"], records["acme__demo-2"]["patch"]
    assert [line for line in only_second.splitlines() if line.startswith("@@")] == ["@@ -28,7 +28,7 @@"]
    # With the first hunk (two added lines) kept, the second one starts two lines further down.
    assert [line for line in both.splitlines() if line.startswith("@@")] == ["@@ -4,6 +4,8 @@", "@@ -28,7 +30,7 @@"]

    clone = apply_in_clone(tmp_path, tmp_path / "out", records["acme__demo-1"], only_second)
    assert (clone / "demo/core.py").read_text() == CORE_BASE.replace("line 30\n", "LINE 30\n")
    clone = apply_in_clone(tmp_path, tmp_path / "out", records["acme__demo-2"], both)
    assert (clone / "demo/core.py").read_text() == CORE_FIXED


def test_added_deleted_and_unterminated_files_and_the_excluded_ones(demo):
    tmp_path, base_sha, fixed_sha = demo
    write_recipe(str(tmp_path / "recipes"), "acme__demo-1", base_sha, fixed_sha,
                 patch={"files": ["demo/new.py", "demo/old.py", "demo/tail.py"]})
    done = run_build(tmp_path, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    record = built(tmp_path / "out")["acme__demo-1"]
    assert "new file mode 100644" in record["patch"] and "deleted file mode 100644" in record["patch"]
    assert "\\ No newline at end of file" in record["patch"]

    base_tree = git(tmp_path / "out/repos/acme__demo", "ls-tree", "-r", "--name-only", record["base_commit"]).split()
    assert "PKG-INFO" not in base_tree and "docs/index.rst" not in base_tree and "demo/old.py" in base_tree
    modes = git(tmp_path / "out/repos/acme__demo", "ls-tree", "-r", record["base_commit"])
    assert "100755 blob" in next(line for line in modes.splitlines() if line.endswith("demo/core.py"))

    clone = apply_in_clone(tmp_path, tmp_path / "out", record, record["patch"], record["test_patch"])
    assert (clone / "demo/new.py").read_text() == "NEW = 2\n"
    assert not (clone / "demo/old.py").exists()
    assert (clone / "demo/tail.py").read_text() == "value = 2"
    assert "def test_new" in (clone / "tests/test_core.py").read_text()


def test_two_builds_give_the_same_base_commit_and_byte_identical_tasks_whatever_the_git_config(demo):
    tmp_path, base_sha, fixed_sha = demo
    write_recipe(str(tmp_path / "recipes"), "acme__demo-1", base_sha, fixed_sha)
    assert run_build(tmp_path, tmp_path / "one").returncode == 0
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Someone Else\n\temail = else@example.invalid\n[core]\n\tautocrlf = true\n")
    env = dict(os.environ, HOME=str(home), GIT_AUTHOR_NAME="Intruder", GIT_COMMITTER_DATE="2001-01-01T00:00:00Z", TZ="Asia/Tokyo")
    done = run_build(tmp_path, tmp_path / "two", env=env)
    assert done.returncode == 0, done.stderr

    assert (tmp_path / "one/tasks.jsonl").read_bytes() == (tmp_path / "two/tasks.jsonl").read_bytes()
    record = built(tmp_path / "one")["acme__demo-1"]
    assert record["environment_setup_commit"] == record["base_commit"]
    log = git(tmp_path / "two/repos/acme__demo", "log", "-1", "--format=%an <%ae>|%cn|%cI", record["base_commit"])
    assert log.strip() == "swe-rl real <real@swe-rl.invalid>|swe-rl real|2023-11-14T22:13:20+00:00"
    assert record["install_config"] == {"python": "3.11", "pip_packages": [], "install": "", "test_cmd": "python3 -m unittest -v"}


def test_two_instances_of_one_repository_share_it_with_two_root_commits(tmp_path):
    cache = str(tmp_path / "cache")
    shas = [make_sdist(cache, "demo", f"1.{minor}", {"demo/core.py": f"V = {minor}\n", "tests/test_core.py": f"# {minor}\n"}, BASE_MTIME + minor)
            for minor in range(3)]
    recipes = str(tmp_path / "recipes")
    for n in (1, 2):
        write_recipe(recipes, f"acme__demo-{n}", shas[n - 1], shas[n], exclude=[],
                     base={"package": "demo", "version": f"1.{n - 1}", "sha256": shas[n - 1]},
                     fixed={"package": "demo", "version": f"1.{n}", "sha256": shas[n]})
    done = run_build(tmp_path, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    records = built(tmp_path / "out")
    assert sorted(os.listdir(tmp_path / "out/repos")) == ["acme__demo"]
    repo = tmp_path / "out/repos/acme__demo"
    roots = set(git(repo, "rev-list", "--max-parents=0", "--all").split())
    assert roots == {records["acme__demo-1"]["base_commit"], records["acme__demo-2"]["base_commit"]}
    for n in (1, 2):
        record = records[f"acme__demo-{n}"]
        assert git(repo, "rev-parse", f"refs/heads/acme__demo-{n}").strip() == record["base_commit"]
        clone = apply_in_clone(tmp_path, tmp_path / "out", record, record["patch"])
        assert (clone / "demo/core.py").read_text() == f"V = {n}\n"


@pytest.mark.parametrize("overrides, expected", [
    ({"base": {"package": "demo", "version": "1.0", "sha256": "0" * 64}}, "sha256 mismatch for demo==1.0"),
    ({"patch": {"files": ["demo/missing.py"]}}, "patch.files: demo/missing.py is in neither the base nor the fixed sdist"),
    ({"patch": {"files": ["demo/core.py"], "hunks": {"demo/core.py": [2]}}},
     "patch.hunks[demo/core.py]: hunk 2 is out of range: the diff of demo/core.py has 2 hunk(s)"),
    ({"test_patch": {"files": ["demo/core.py"]}}, "the derived patch + test_patch does not apply to the base commit"),
    ({"patch": {"files": ["demo/__init__.py"]}}, "patch.files: demo/__init__.py is the same in the base and the fixed sdist"),
    ({"exclude": ["demo/**"]}, "patch.files: demo/core.py is left out of the repository by exclude"),
    ({"FAIL_TO_PASS": "tests.x"}, "FAIL_TO_PASS must be a list of non-empty strings"),
])
def test_errors_name_the_instance_and_what_is_wrong(demo, overrides, expected):
    tmp_path, base_sha, fixed_sha = demo
    write_recipe(str(tmp_path / "recipes"), "acme__demo-7", base_sha, fixed_sha, **overrides)
    done = run_build(tmp_path, tmp_path / "out")
    assert done.returncode == 1
    assert f"error: acme__demo-7: {expected}" in done.stderr
    assert not (tmp_path / "out/tasks.jsonl").exists()


def test_a_sha256_mismatch_shows_both_hashes(demo):
    tmp_path, base_sha, fixed_sha = demo
    write_recipe(str(tmp_path / "recipes"), "acme__demo-1", base_sha, "f" * 64)
    done = run_build(tmp_path, tmp_path / "out")
    assert done.returncode == 1
    assert f"pins {'f' * 64}, the file has {fixed_sha}" in done.stderr


def test_recipe_shape_errors_and_unknown_ids(demo):
    tmp_path, base_sha, fixed_sha = demo
    folder = write_recipe(str(tmp_path / "recipes"), "acme__demo-1", base_sha, fixed_sha, instance_id="acme__other-1")
    done = run_build(tmp_path, tmp_path / "out")
    assert "error: acme__demo-1: instance_id 'acme__other-1' differs from the folder name" in done.stderr
    write_recipe(str(tmp_path / "recipes"), "acme__demo-1", base_sha, fixed_sha)
    os.remove(os.path.join(folder, "problem_statement.md"))
    assert "error: acme__demo-1: cannot read problem_statement.md" in run_build(tmp_path, tmp_path / "out").stderr
    done = run_build(tmp_path, tmp_path / "out", "--only", "acme__nope-1")
    assert done.returncode == 1 and "acme__nope-1: no such recipe" in done.stderr


def test_list_prints_each_recipe(demo):
    tmp_path, base_sha, fixed_sha = demo
    write_recipe(str(tmp_path / "recipes"), "acme__demo-1", base_sha, fixed_sha)
    done = subprocess.run([sys.executable, BUILD, "--recipes", str(tmp_path / "recipes"), "--list"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("acme__demo-1\tacme/demo\tdemo 1.0 -> 1.1\tpython3 -m unittest -v")


def test_exclude_globs():
    patterns = ["PKG-INFO", "docs/**", "*.egg-info/**", "**/conftest_local.py"]
    assert excluded("PKG-INFO", patterns) and not excluded("pkg/PKG-INFO", patterns)
    assert excluded("docs/a/b.rst", patterns) and not excluded("docsx/a.rst", patterns)
    assert excluded("demo.egg-info/SOURCES.txt", patterns) and not excluded("src/demo.egg-info/x", patterns)
    assert excluded("conftest_local.py", patterns) and excluded("a/b/conftest_local.py", patterns)


def test_check_derives_the_test_lists_with_unittest_in_a_clean_venv(tmp_path):
    """check.py --update writes the observed lists; a second check agrees with them."""
    base_code = "def first(items):\n    return items[-1]\n"
    fixed_code = "def first(items):\n    return items[0]\n"
    tests = textwrap.dedent('''\
        import unittest
        from demo.core import first


        class FirstTest(unittest.TestCase):
            def test_single(self):
                self.assertEqual(first([1]), 1)

            def test_many(self):
                """Docstrings move the outcome to the next line."""
                self.assertEqual(first([1, 2]), 1)

            @unittest.skip("not today")
            def test_skipped(self):
                pass
        ''')
    cache = str(tmp_path / "cache")
    base_files = {"demo/__init__.py": "", "demo/core.py": base_code, "tests/__init__.py": "",
                  "tests/test_core.py": tests.replace("    def test_many", "    def _old_many")}
    base_sha = make_sdist(cache, "demo", "1.0", base_files)
    fixed_sha = make_sdist(cache, "demo", "1.1", dict(base_files, **{"demo/core.py": fixed_code, "tests/test_core.py": tests}))
    folder = write_recipe(str(tmp_path / "recipes"), "acme__demo-1", base_sha, fixed_sha, exclude=[])
    assert run_build(tmp_path, tmp_path / "out").returncode == 0
    check = [sys.executable, CHECK, "--recipes", str(tmp_path / "recipes"), "--out", str(tmp_path / "out")]

    first = subprocess.run(check, capture_output=True, text=True)
    assert first.returncode == 1
    assert "PROBLEM acme__demo-1: FAIL_TO_PASS lacks tests.test_core.FirstTest.test_many" in first.stdout

    updated = subprocess.run(check + ["--update"], capture_output=True, text=True)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    with open(os.path.join(folder, "recipe.json")) as handle:
        recipe = json.load(handle)
    assert recipe["FAIL_TO_PASS"] == ["tests.test_core.FirstTest.test_many"]
    assert recipe["PASS_TO_PASS"] == ["tests.test_core.FirstTest.test_single"]

    assert run_build(tmp_path, tmp_path / "out").returncode == 0
    again = subprocess.run(check, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "acme__demo-1: OK" in again.stdout


def test_pytest_outcomes_from_junit_and_from_rA_lines_agree(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_s.py").write_text(textwrap.dedent('''\
        import pytest

        def test_ok():
            pass

        def test_bad():
            assert 0

        @pytest.mark.parametrize("v", ["a b", "c-d"])
        def test_p(v):
            assert v != "c-d"

        @pytest.mark.xfail
        def test_xf():
            assert 0

        class TestK:
            class TestInner:
                def test_m(self):
                    pass
        '''))
    done = subprocess.run([sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider", "--junitxml=j.xml", "-o",
                           "junit_family=xunit1", "tests/test_s.py"], cwd=tmp_path, capture_output=True, text=True)
    expected = {
        "tests/test_s.py::test_ok": "passed", "tests/test_s.py::test_bad": "failed",
        "tests/test_s.py::test_p[a b]": "passed", "tests/test_s.py::test_p[c-d]": "failed",
        "tests/test_s.py::test_xf": "skipped", "tests/test_s.py::TestK::TestInner::test_m": "passed",
    }
    assert parse_junit((tmp_path / "j.xml").read_text()) == expected
    assert parse_pytest_summary(done.stdout) == expected


def test_unittest_outcomes_from_verbose_output():
    output = textwrap.dedent('''\
        test_a (tests.test_x.T.test_a) ... ok
        test_b (tests.test_x.T.test_b)
        Has a docstring. ... FAIL
        test_c (tests.test_x.T) ... ERROR
        test_d (tests.test_x.T.test_d) ... skipped 'later'
        test_e (tests.test_x.T.test_e) ... expected failure
        ''')
    assert parse_unittest(output) == {
        "tests.test_x.T.test_a": "passed", "tests.test_x.T.test_b": "failed", "tests.test_x.T.test_c": "failed",
        "tests.test_x.T.test_d": "skipped", "tests.test_x.T.test_e": "skipped",
    }


def test_check_runs_the_test_patch_files_and_the_files_of_the_listed_tests(tmp_path):
    for rel in ("tests/__init__.py", "tests/test_a.py", "tests/test_b.py", "tests/conftest.py", "tests/sub/test_c.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    test_patch = "--- a/tests/test_a.py\n+++ b/tests/test_a.py\n--- a/tests/conftest.py\n+++ b/tests/conftest.py\n"
    listed = ["tests/test_b.py::test_x[1]", "tests/test_a.py::T::test_y", "tests/gone.py::test_z"]
    assert targets_for("pytest", test_patch, listed, str(tmp_path)) == ["tests/test_a.py", "tests/test_b.py"]
    listed = ["tests.sub.test_c.TestC.test_m", "tests.test_a.T.test_y"]
    assert targets_for("unittest", test_patch, listed, str(tmp_path)) == ["tests.test_a", "tests.sub.test_c"]


def _shipped_sdists_or_skip(recipe):
    cache = os.path.normpath(os.path.join(REAL, "..", "..", ".data", "sdists"))
    for side in ("base", "fixed"):
        try:
            fetch_sdist(recipe["instance_id"], recipe[side], cache)
        except RecipeError as error:
            if "cannot download" in str(error):
                pytest.skip(f"no package registry: {error}")
            raise
    return cache


@pytest.mark.parametrize("folder", recipe_folders(REAL), ids=os.path.basename)
def test_each_shipped_recipe_builds_and_its_patches_apply(tmp_path, folder):
    from recipe_tools.recipes import load_recipe

    recipe = load_recipe(folder)
    cache = _shipped_sdists_or_skip(recipe)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, BUILD, "--cache", cache, "--out", str(out), "--only", recipe["instance_id"]],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    record = built(out)[recipe["instance_id"]]
    assert record["FAIL_TO_PASS"] and record["base_commit"] == record["environment_setup_commit"]
    clone = apply_in_clone(tmp_path, out, record, record["patch"], record["test_patch"])
    assert git(clone, "status", "--porcelain").strip()  # both patches changed the checkout
