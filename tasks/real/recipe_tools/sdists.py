"""Fetching pinned source distributions into a cache, checking their sha256, and reading them."""
import hashlib
import os
import calendar
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile

from .errors import RecipeError

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")


def normalize(name):
    """A package name as the sdist file names spell it, folded: more-itertools == more_itertools."""
    return re.sub(r"[-_.]+", "_", name).lower()


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_sdist(cache_dir, package, version):
    """The cached sdist of package==version (either spelling of the name), or None."""
    if not os.path.isdir(cache_dir):
        return None
    for name in sorted(os.listdir(cache_dir)):
        suffix = next((suffix for suffix in ARCHIVE_SUFFIXES if name.endswith(suffix)), None)
        stem = name[: -len(suffix)] if suffix else ""
        if "-" not in stem:
            continue
        stem_package, stem_version = stem.rsplit("-", 1)
        if normalize(stem_package) == normalize(package) and stem_version == version:
            return os.path.join(cache_dir, name)
    return None


def fetch_sdist(instance_id, release, cache_dir):
    """The path of the release's sdist in the cache, downloaded once with pip; its sha256 checked."""
    package, version = release["package"], release["version"]
    path = cached_sdist(cache_dir, package, version)
    if path is None:
        path = _download(instance_id, package, version, cache_dir)
    actual = sha256_of(path)
    if actual != release["sha256"]:
        raise RecipeError(
            instance_id,
            f"sha256 mismatch for {package}=={version} ({path}): the recipe pins {release['sha256']}, the file has {actual}",
        )
    return path


def _download(instance_id, package, version, cache_dir):
    os.makedirs(cache_dir, exist_ok=True)
    # Download into a private folder and move the file in whole, so helpers building at the same
    # time never read a half-written archive.
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".download-") as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                   "--disable-pip-version-check", "-q", "-d", tmp, f"{package}=={version}"]
        done = subprocess.run(command, capture_output=True, text=True)
        files = [name for name in os.listdir(tmp) if name.endswith(ARCHIVE_SUFFIXES)]
        if done.returncode != 0 or len(files) != 1:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise RecipeError(instance_id, f"cannot download the sdist of {package}=={version}: {' '.join(detail) or files}")
        target = os.path.join(cache_dir, files[0])
        os.replace(os.path.join(tmp, files[0]), target)
    return target


class Sdist:
    """The files of one sdist, relative to its top folder: path -> (bytes, executable)."""

    def __init__(self, files, newest_mtime):
        self.files = files
        self.newest_mtime = newest_mtime


def read_sdist(instance_id, path):
    members = _tar_members(path) if not path.endswith(".zip") else _zip_members(path)
    tops = {name.split("/", 1)[0] for name, _, _, _ in members}
    if len(tops) != 1 or any("/" not in name for name, _, _, _ in members):
        raise RecipeError(instance_id, f"{path}: an sdist must hold one top folder, found {sorted(tops)[:5]}")
    files = {}
    newest = 0
    for name, data, executable, mtime in members:
        rel = name.split("/", 1)[1]
        if ".git" in rel.split("/"):
            raise RecipeError(instance_id, f"{path}: holds a .git path ({rel})")
        files[rel] = (data, executable)
        newest = max(newest, int(mtime))
    return Sdist(files, newest)


def _tar_members(path):
    found = []
    with tarfile.open(path) as archive:
        for member in archive.getmembers():
            if member.isdir():
                continue
            if not member.isfile():
                # Links are rare in sdists and cannot be diffed; keeping them out is the honest choice.
                continue
            data = archive.extractfile(member).read()
            found.append((member.name.removeprefix("./"), data, bool(member.mode & 0o111), member.mtime))
    return found


def _zip_members(path):
    found = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            mode = info.external_attr >> 16
            mtime = _zip_time(info.date_time)
            found.append((info.filename, archive.read(info), bool(mode & 0o111), mtime))
    return found


def _zip_time(date_time):
    return calendar.timegm(tuple(date_time) + (0, 0, 0))

