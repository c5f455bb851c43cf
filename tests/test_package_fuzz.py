"""Fuzzing the loader: whatever a package holds, the answer is a package or located problems.

Valid manifest and lesson texts are mutated (bytes inserted, deleted, replaced, the file cut
short, raw YAML values pasted in, or values of any type substituted at any key of the
manifest) and loaded. ``load_package`` must return a ``LoadedPackage`` or raise
``PackageInvalid`` whose every problem names a file in the package; any other exception is
a bug.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import LoadedPackage, load_package
from coursekit.packages.problems import PackageInvalid
from tests.package_factory import LESSON, manifest, write_package

MANIFEST = yaml.safe_dump(manifest("calf"), sort_keys=False).encode()
LESSON_TEXT = LESSON.format(title="Anatomy", minutes=30, image="calf.svg").encode()
FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

YAML_PIECES = [
    *(":", "- ", "[", "]", "{", "}", "&a ", "*a", "!", "|", ">", "'", '"', "#", "%", "@", "`"),
    *("\n", "\t", "  ", "---\n", "\n---\n", "...", "\r\n", "\x00", "\ufeff", "é", "😀"),
    *("media:", "media:../../x.svg", "](media:x.svg)", "../", "/etc/passwd", "\\"),
]
RAW_VALUES = [
    *("!!binary aGVsbG8=", "!!timestamp 2001-12-14", "!!set {a, b}", "!!omap [{a: 1}]"),
    *("!!python/name:os.system", "!!python/object:os.system {}", "!!int 0x1F", "!!float .nan"),
    *(".inf", "-.inf", "0o17", "1_000", "2026-02-30", "~", "null", "yes", "No", "[]", "{}"),
    *("&x [*x]", "*undefined", "? complex\n: key", '"\\ud800"', "'unterminated", "|\n  block"),
    *("{a: [b, {c: d}]}", "[[[[[[[[[[]]]]]]]]]]", "x" * 3000, "lessons/../../../etc.md"),
]
CHARACTERS = st.characters(exclude_categories=("Cs",))
ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(CHARACTERS, max_size=40)
    | st.text(max_size=5).map(lambda s: s * 500)
    | st.sampled_from(["../../etc/passwd", "/abs.md", "lessons/../x.md", "NCCAOM", "PDA-1-2"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated_bytes(draw, text):
    """``text`` with a few random byte-level edits, and perhaps cut short."""
    data = bytearray(text)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        # Mostly edits that keep the text UTF-8, so most examples get past decoding.
        edit = draw(
            st.sampled_from(
                ["text", "text", "bytes", "delete", "replace"] + ["paste"] * 3 + ["value"] * 3
            )
        )
        if edit == "text":
            data[position:position] = draw(st.text(CHARACTERS, min_size=1, max_size=8)).encode()
        elif edit == "bytes":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif edit == "delete":
            del data[position : position + draw(st.integers(1, 40))]
        elif edit == "replace" and position < len(data) and data[position] < 0x80:
            data[position] = ord(draw(st.characters(max_codepoint=0x7F)))
        elif edit == "paste":
            data[position:position] = draw(st.sampled_from(YAML_PIECES)).encode()
        elif edit == "value":
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            key, colon, _value = lines[index].partition(b": ")
            if colon:
                lines[index] = key + colon + draw(st.sampled_from(RAW_VALUES)).encode()
            data = bytearray(b"\n".join(lines))
    if draw(st.integers(0, 3)) == 0:
        del data[draw(st.integers(0, len(data))) :]
    return bytes(data)


def key_paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from key_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from key_paths(item, (*path, index))


@st.composite
def substituted_manifest(draw):
    """The manifest with random values of any type put at random keys."""
    data = manifest("calf")
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in key_paths(data) if p]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = draw(ANY_VALUE)
    unicode = draw(st.booleans())
    options = {"sort_keys": draw(st.booleans()), "allow_unicode": unicode}
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), **options).encode()


def base_files():
    """The factory's package as bytes, with a short post-test of the smallest valid
    questions, so that each example is quick to write and load."""
    with tempfile.TemporaryDirectory() as root:
        folder = write_package(Path(root))
        files = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    questions = "".join(
        f"  - {{id: q{n}, type: true_false, text: Q{n}, answer: true}}\n" for n in range(10)
    )
    files[Path("quizzes/post-test.yaml")] = f"title: Post-test\nquestions:\n{questions}".encode()
    return files


BASE_FILES = base_files()


def check_loads_or_reports(manifest_bytes, lesson_bytes):
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "modules" / "calf"
        for name, data in BASE_FILES.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        (folder / "module.yaml").write_bytes(manifest_bytes)
        (folder / "lessons" / "01-anatomy.md").write_bytes(lesson_bytes)
        candidate = package_candidate(folder)
        try:
            loaded = load_package(candidate.files, candidate.shared)
        except PackageInvalid as exc:
            assert exc.problems
            for problem in exc.problems:
                assert str(problem).startswith(f"{candidate.label}/"), str(problem)
                assert problem.line >= 0 and problem.column >= 0
                assert problem.message
            return None
        assert isinstance(loaded, LoadedPackage)
        assert loaded.package.id and loaded.package.lessons
        return loaded


def test_unmutated_texts_load():
    loaded = check_loads_or_reports(MANIFEST, LESSON_TEXT)
    assert loaded is not None and loaded.package.lessons[0].title == "Anatomy"


@FUZZ
@given(manifest_bytes=mutated_bytes(MANIFEST))
def test_mutated_manifest_loads_or_is_reported(manifest_bytes):
    check_loads_or_reports(manifest_bytes, LESSON_TEXT)


@FUZZ
@given(lesson_bytes=mutated_bytes(LESSON_TEXT))
def test_mutated_lesson_loads_or_is_reported(lesson_bytes):
    check_loads_or_reports(MANIFEST, lesson_bytes)


@FUZZ
@given(
    manifest_bytes=substituted_manifest(),
    lesson_bytes=st.just(LESSON_TEXT) | mutated_bytes(LESSON_TEXT),
)
def test_manifest_with_values_of_any_type_loads_or_is_reported(manifest_bytes, lesson_bytes):
    check_loads_or_reports(manifest_bytes, lesson_bytes)
