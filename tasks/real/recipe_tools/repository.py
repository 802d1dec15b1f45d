"""Building OUT/repos/owner__name: one root commit per base snapshot, made the same on every machine."""
import datetime
import os
import re
import shutil
import subprocess

from .errors import RecipeError

AUTHOR_NAME = "swe-rl real"
AUTHOR_EMAIL = "real@swe-rl.invalid"

# User and system git config are ignored; these settings are pinned instead.
_PINNED_CONFIG = (
    "core.autocrlf=false",
    "core.fileMode=true",
    "core.abbrev=7",
    "core.excludesFile=" + os.devnull,
    "core.hooksPath=" + os.devnull,
    "commit.gpgSign=false",
    "diff.algorithm=myers",
    "diff.noprefix=false",
    "diff.renames=false",
    "init.defaultBranch=main",
    "init.templateDir=",
    "gc.auto=0",
)


class GitError(Exception):
    pass


def git(repo_dir, *args, stdin=None, date=None, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, TZ="UTC", LC_ALL="C")
    if date is not None:
        env.update(
            GIT_AUTHOR_NAME=AUTHOR_NAME, GIT_AUTHOR_EMAIL=AUTHOR_EMAIL, GIT_AUTHOR_DATE=date,
            GIT_COMMITTER_NAME=AUTHOR_NAME, GIT_COMMITTER_EMAIL=AUTHOR_EMAIL, GIT_COMMITTER_DATE=date,
        )
    env.update(env_extra or {})
    command = ["git"]
    for setting in _PINNED_CONFIG:
        command += ["-c", setting]
    done = subprocess.run(command + list(args), cwd=repo_dir, env=env, input=stdin, capture_output=True,
                          text=isinstance(stdin, str) or stdin is None)
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace") if isinstance(done.stderr, bytes) else done.stderr
        raise GitError(f"git {' '.join(args)} failed in {repo_dir}: {stderr.strip()}")
    return done.stdout


def excluded(path, patterns):
    """Whether a path (relative to the sdist root) or one of its folders matches an exclude glob.

    `*` and `?` stay within one path segment, `**` crosses folders; "docs" and "docs/**" both
    leave out the whole docs folder.
    """
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(_glob(pattern).match(prefix) for pattern in patterns for prefix in prefixes)


def _glob(pattern):
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def iso_date(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def init_repository(repo_dir):
    if os.path.exists(repo_dir):
        shutil.rmtree(repo_dir)
    os.makedirs(repo_dir)
    git(repo_dir, "init", "-q", "--object-format=sha1")


def commit_snapshot(repo_dir, files, date, message, branch):
    """A root commit holding exactly `files` (path -> (bytes, executable)); returns its id.

    Blobs are written without filters and the tree from an index of our own, so neither
    .gitignore nor .gitattributes shipped in the sdist changes what is committed.
    """
    index_file = os.path.join(repo_dir, ".git", "recipe-index")
    if os.path.exists(index_file):
        os.remove(index_file)
    entries = []
    for path in sorted(files):
        data, executable = files[path]
        blob = git(repo_dir, "hash-object", "-w", "--no-filters", "--stdin", stdin=data).decode().strip()
        entries.append(f"{'100755' if executable else '100644'} {blob}\t{path}\n")
    env = {"GIT_INDEX_FILE": index_file}
    git(repo_dir, "update-index", "--add", "-z", "--index-info",
        stdin="".join(e.replace("\n", "\0") for e in entries), env_extra=env)
    tree = git(repo_dir, "write-tree", env_extra=env).strip()
    os.remove(index_file)
    commit = git(repo_dir, "commit-tree", tree, "-m", message, date=date).strip()
    git(repo_dir, "update-ref", f"refs/heads/{branch}", commit)
    return commit


def check_out(repo_dir, branch):
    """HEAD on `branch` and a clean working tree, for people who look at the repository."""
    git(repo_dir, "symbolic-ref", "HEAD", f"refs/heads/{branch}")
    git(repo_dir, "reset", "-q", "--hard")


def check_patches_apply(instance_id, repo_dir, commit, patch, test_patch):
    """Both patches must apply to `commit`, alone and together (checked in a scratch index)."""
    index_file = os.path.join(repo_dir, ".git", "check-index")
    env = {"GIT_INDEX_FILE": index_file}
    try:
        for name, text in (("patch", patch), ("test_patch", test_patch), ("patch + test_patch", patch + test_patch)):
            git(repo_dir, "read-tree", commit, env_extra=env)
            try:
                git(repo_dir, "apply", "--cached", "--check", "-", stdin=text, env_extra=env)
            except GitError as error:
                raise RecipeError(instance_id, f"the derived {name} does not apply to the base commit: {error}") from None
    finally:
        if os.path.exists(index_file):
            os.remove(index_file)
