"""The files a student release was made with, and whether they still are.

A release (./course release) records in release.json the SHA-256 of every
file it holds but the students' own (the exercise files they edit). Its
git history starts with ONE commit, the release itself: `git show
<that commit>:PATH` is the pristine copy of PATH, whatever the student
committed since. Grading builds from pristine copies plus the student's
files only, so editing a test, the test support, cmake/ or this command
changes nothing in a grade; check and grade say which files differ.

Outside a release (the instructor's own repository) there is no
manifest: nothing is compared, and grading uses the files as they are.
"""

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .output import CourseError

MANIFEST = "release.json"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def manifest(root):
    """The release's manifest, or None outside a release."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise CourseError(f"{MANIFEST} is not valid JSON ({e}): is this a damaged release?") from None
    if not isinstance(data.get("checksums"), dict):
        raise CourseError(f"{MANIFEST} has no checksums: is this a damaged release?")
    return data


def _file_digest(path):
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def changed_files(root):
    """The released files that differ from the release now (or are gone)."""
    data = manifest(root)
    if data is None:
        return []
    root = Path(root)
    return sorted(path for path, digest in data["checksums"].items()
                  if _file_digest(root / path) != digest)


def _root_commit(root):
    """The first commit of the repository at root, or None (no git, no
    repository: the copy Gradescope unpacks has no history)."""
    if shutil.which("git") is None or not (Path(root) / ".git").exists():
        return None
    result = subprocess.run(["git", "-C", str(root), "rev-list", "--max-parents=0", "HEAD"],
                            capture_output=True, text=True)
    roots = result.stdout.split()
    return roots[0] if result.returncode == 0 and len(roots) == 1 else None


def unpack_commit(root, commit, into):
    """Unpacks a commit's files into a folder (the release packs HEAD,
    grading unpacks the release's first commit)."""
    with tempfile.TemporaryFile() as archive:
        subprocess.run(["git", "-C", str(root), "archive", "--format=tar", commit],
                       stdout=archive, check=True)
        archive.seek(0)
        with tarfile.open(fileobj=archive) as tar:
            # The "data" filter refuses absolute paths and links out of the folder.
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(into, **safe)


def write_file(path, data):
    """Leaves an unchanged file alone, so that the build tree made from it
    is not rebuilt for nothing."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def student_files(root, exercises):
    return [path for exercise in exercises for path in exercise.paths()]


def assemble(root, exercises, into, submission=None):
    """Makes `into` the pristine course with the student's files in it:
    from the release's first commit (or, without history, the files as
    they are, which must then match the manifest), plus each exercise
    file from the working tree or from the folder `submission`.

    Returns (the files that differ from the release, where the pristine
    copies came from)."""
    root = Path(root)
    data = manifest(root)
    # In a release, its manifest says which files are the students' (the
    # working tree's exercises.json is theirs to edit, and so no authority).
    mine = set(data.get("student_files", [])) if data else set(student_files(root, exercises))
    if data is None:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True,
                                text=True)
        if listed.returncode != 0:
            raise CourseError("this is neither a student release nor a git repository: "
                              "nothing says which files make the course")
        files = {p: (root / p).read_bytes() for p in listed.stdout.split("\0")
                 if p and (root / p).is_file() and p not in mine}
        source, changed = "the files as they are (this is not a student release)", []
    else:
        changed = changed_files(root)
        commit = _root_commit(root)
        files = {}
        if commit is not None:
            with tempfile.TemporaryDirectory(prefix="course-pristine.") as unpacked:
                unpack_commit(root, commit, unpacked)
                for path in data["checksums"]:
                    copy = Path(unpacked) / path
                    files[path] = copy.read_bytes() if copy.is_file() else None
            source = f"the release's first commit, {commit[:12]}"
        else:
            for path in data["checksums"]:
                files[path] = (root / path).read_bytes() if (root / path).is_file() else None
            source = "the files as they are (no git history to take pristine copies from)"
        wrong = [p for p, d in files.items() if d is None or sha256(d) != data["checksums"][p]]
        if wrong:
            raise CourseError("no pristine copy of " + " ".join(sorted(wrong)[:10])
                              + f" ({source} does not match {MANIFEST}): grade from the release "
                              "as it was published")
    for path, content in files.items():
        write_file(into / path, content)
    for path in sorted(mine):
        write_file(into / path, _student_copy(root, path, submission))
    return changed, source



def stub_copy(root, path, submission):
    """The stub a student's file started from, or None when nothing says:
    the release's first commit has it (the instructor's repository: HEAD);
    without history, a tree graded with --submission is the pristine
    release itself, whose own copy is the stub."""
    root = Path(root)
    commit = _root_commit(root) if manifest(root) is not None else "HEAD"
    if commit is not None and shutil.which("git") and (root / ".git").exists():
        shown = subprocess.run(["git", "-C", str(root), "show", f"{commit}:{path}"],
                               capture_output=True)
        if shown.returncode == 0:
            return shown.stdout
    if submission is not None and (root / path).is_file():
        return (root / path).read_bytes()
    return None


def _student_copy(root, path, submission):
    """A student's file: from the working tree, or from a submission folder
    (at its path in the course, or anywhere in it under its own name, as
    when a student uploads loose files)."""
    if submission is None:
        candidates = [Path(root) / path]
    else:
        submission = Path(submission)
        candidates = [submission / path] + sorted(submission.rglob(Path(path).name))
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_bytes()
    # Nothing submitted: the stub it was released with is what is graded.
    return (Path(root) / path).read_bytes()
