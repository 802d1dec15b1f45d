"""Git calls whose results do not depend on the machine, the user's config or the clock."""
import os
import subprocess

AUTHOR_NAME = "swe-rl builtin"
AUTHOR_EMAIL = "builtin@swe-rl.invalid"

# Pinned so that a user's or system config can change neither hashes nor diff text.
_PINNED_CONFIG = (
    "core.autocrlf=false",
    "core.fileMode=true",
    "core.abbrev=7",
    "commit.gpgSign=false",
    "diff.algorithm=myers",
    "diff.indentHeuristic=true",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.renames=false",
    "init.defaultBranch=main",
)


def _environment(date: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=AUTHOR_NAME,
        GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_NAME=AUTHOR_NAME,
        GIT_COMMITTER_EMAIL=AUTHOR_EMAIL,
        GIT_COMMITTER_DATE=date,
        TZ="UTC",
        LC_ALL="C",
    )
    return env


def git(repo_dir: str, *args: str, date: str = "2024-01-01T00:00:00+00:00", stdin: str = None) -> str:
    command = ["git"]
    for setting in _PINNED_CONFIG:
        command += ["-c", setting]
    command += list(args)
    done = subprocess.run(
        command,
        cwd=repo_dir,
        env=_environment(date),
        input=stdin,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {repo_dir}: {done.stderr.strip()}")
    return done.stdout


def init(repo_dir: str) -> None:
    os.makedirs(repo_dir, exist_ok=True)
    git(repo_dir, "init", "-q", "--object-format=sha1")


def commit_all(repo_dir: str, message: str, date: str) -> str:
    git(repo_dir, "add", "-A")
    git(repo_dir, "commit", "-q", "--no-verify", "-m", message, date=date)
    return git(repo_dir, "rev-parse", "HEAD").strip()


def working_tree_diff(repo_dir: str) -> str:
    """Diff of tracked files against HEAD, in the form `git apply` takes."""
    return git(repo_dir, "diff", "--no-color", "--no-ext-diff", "HEAD")
