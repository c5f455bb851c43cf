"""Load one module package: parse every file, check every reference, report every problem.

``load_package`` either returns a ``LoadedPackage`` or raises ``PackageInvalid`` listing
all problems at once, each at its file, line and column. Nothing here imports or runs
anything from the package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from marshmallow import Schema, ValidationError

from coursekit.assessment.banks import SUFFIXES, FileQuestion, QuestionFile, read_question_file
from coursekit.assessment.evaluations.evaluation_form import EvaluationItemsSchema
from coursekit.assessment.registry import registry
from coursekit.packages import advice, markdown, schemas, values
from coursekit.packages.building import build_package, completion_rule
from coursekit.packages.certificate_template import CERTIFICATE_TEMPLATE, template_problems
from coursekit.packages.draws import Draw, overdrawn
from coursekit.packages.media import MediaProblem, check_media
from coursekit.packages.problems import PackageInvalid, Problem, schema_problems
from coursekit.packages.sources import PackageFiles, UnsafeName, check_name, file_path
from coursekit.packages.yamlpos import (
    KeyPath,
    PositionedDocument,
    YAMLProblem,
    load_positioned,
    strings,
)

MANIFEST = "module.yaml"
MIN_POST_TEST_QUESTIONS = 10
"""NCCAOM: an online course ends with an assessment of at least 10 questions."""

Position = tuple[int, int]

# Schemas hold no per-load state, and building one costs more than most loads: make each once.
_MANIFEST_SCHEMA = schemas.ManifestSchema()
_LESSON_SCHEMA = schemas.LessonFrontMatterSchema()
_EVALUATION_SCHEMA = EvaluationItemsSchema()


@dataclass(frozen=True)
class LoadedPackage:
    """A valid package, where it came from, and where each manifest value is written
    (for problems found later, across packages or against published versions)."""

    package: values.ModulePackage
    label: str
    manifest_positions: Mapping[KeyPath, Position] = field(default_factory=dict, repr=False)
    warnings: tuple[Problem, ...] = ()
    """Advice the package loads despite (see ``coursekit.packages.advice``)."""

    @property
    def manifest_path(self) -> str:
        return file_path(self.label, MANIFEST)

    def problem(self, key_path: KeyPath, message: str) -> Problem:
        """A problem about the manifest value at ``key_path``."""
        line, column = self.manifest_positions.get(key_path, (1, 1))
        return Problem(self.manifest_path, line, column, message)


def load_package(files: PackageFiles, shared: PackageFiles | None = None) -> LoadedPackage:
    """Load the package in ``files``; shared banks and media come from ``shared``."""
    return _Loader(files, shared).load()


class _Loader:
    def __init__(self, files: PackageFiles, shared: PackageFiles | None) -> None:
        self.files, self.shared = files, shared
        self.problems: list[Problem] = []
        # A dict keeps order and drops repeats: a bank drawn from twice is read twice.
        self.warnings: dict[Problem, None] = {}
        self.used: dict[str, bytes] = {}
        self.bad_media: set[str] = set()

    # -- reading -----------------------------------------------------------------------

    def problem(self, path: str, position: Position | None, message: str) -> None:
        line, column = position or (0, 0)
        self.problems.append(Problem(path, line, column, message))

    def warn(self, path: str, position: Position | None, message: str) -> None:
        line, column = position or (0, 0)
        self.warnings[Problem(path, line, column, message, warning=True)] = None

    def read(
        self, name: str, *, at: tuple[str, Position | None], shared: bool = False
    ) -> tuple[bytes, str] | None:
        """The file's bytes and the path problems should name; a problem if absent."""
        sources = [self.files, self.shared] if shared and self.shared else [self.files]
        for source in sources:
            try:
                data = source.read(check_name(name))
            except FileNotFoundError:
                continue
            except UnsafeName as exc:
                self.problem(*at, str(exc))
                return None
            self.used[name] = data
            return data, file_path(source.label, name)
        where = " (looked in the package and the shared library)" if len(sources) > 1 else ""
        self.problem(*at, f"file {name!r} not found{where}")
        return None

    def parse(
        self, text: bytes, path: str, schema: Schema, *, line_offset: int = 0
    ) -> tuple[dict[str, Any], PositionedDocument] | None:
        try:
            document = load_positioned(text.decode("utf-8"), line_offset=line_offset)
        except UnicodeDecodeError:
            self.problem(path, (1, 1), "the file is not UTF-8 text")
            return None
        except YAMLProblem as exc:
            self.problem(path, (exc.line, exc.column), exc.message)
            return None
        if not isinstance(document.data, dict):
            self.problem(path, (1 + line_offset, 1), "expected a YAML mapping (key: value lines)")
            return None
        try:
            return schema.load(document.data), document
        except ValidationError as exc:
            self.problems.extend(schema_problems(exc, document, path))
            # Carry on with the parts that are valid, so one run reports every problem.
            valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
            return valid, document

    # -- the package -------------------------------------------------------------------

    def load(self) -> LoadedPackage:
        manifest_path = file_path(self.files.label, MANIFEST)
        raw = self.read(MANIFEST, at=(manifest_path, None))
        if raw is None:
            raise PackageInvalid(self.problems)
        parsed = self.parse(raw[0], manifest_path, _MANIFEST_SCHEMA)
        if parsed is None:
            raise PackageInvalid(self.problems)
        manifest, document = parsed
        lessons = self.load_lessons(manifest.get("lessons", []), document, manifest_path)
        if manifest.get("worksheet"):
            at = (manifest_path, document.position(("worksheet",)))
            self.load_quiz(manifest["worksheet"], at)
        if manifest.get("evaluation_questions"):
            at = (manifest_path, document.position(("evaluation_questions",)))
            raw = self.read(manifest["evaluation_questions"], at=at)
            if raw is not None:
                self.parse(*raw, _EVALUATION_SCHEMA)
        assessment = manifest.get("assessment")
        if assessment is None:
            raise PackageInvalid(self.problems)
        questions = self.load_assessment(assessment, document, manifest_path)
        if questions < MIN_POST_TEST_QUESTIONS:
            self.problem(
                manifest_path,
                document.position(("assessment",)),
                f"the post-test has {questions} questions; a CE post-test needs at least "
                f"{MIN_POST_TEST_QUESTIONS} (quiz questions plus bank draws)",
            )
        completion, problems = completion_rule(manifest)
        for key_path, message in problems:
            self.problem(manifest_path, document.position(key_path), message)
        # An optional file: read it (so it is hashed and packed) only when it is there.
        template = (
            self.read(CERTIFICATE_TEMPLATE, at=(manifest_path, None))
            if _exists(self.files, CERTIFICATE_TEMPLATE)
            else None
        )
        if self.problems:
            raise PackageInvalid(self.problems)
        package = build_package(manifest, lessons, MappingProxyType(dict(self.used)), completion)
        # Checked against the built package: the template is rendered with its sample.
        if template is not None and (bad := template_problems(*template, package)):
            raise PackageInvalid(bad)
        for key_path, message in advice.manifest_advice(package):
            self.warn(manifest_path, document.position(key_path), message)
        return LoadedPackage(
            package,
            self.files.label,
            MappingProxyType(document.values),
            tuple(sorted(self.warnings)),
        )

    def load_lessons(
        self, paths: list[str], document: PositionedDocument, manifest_path: str
    ) -> list[values.Lesson]:
        lessons: list[values.Lesson] = []
        slugs: set[str] = set()
        for index, name in enumerate(paths):
            at = (manifest_path, document.position(("lessons", index)))
            slug = name.rsplit("/", 1)[-1].removesuffix(".md")
            if slug in slugs:
                self.problem(*at, f"two lessons are named {slug!r}; lesson names must differ")
                continue
            slugs.add(slug)
            raw = self.read(name, at=at)
            if raw is not None:
                lesson = self.load_lesson(name, slug, *raw)
                if lesson:
                    lessons.append(lesson)
        return lessons

    def load_lesson(self, name: str, slug: str, data: bytes, path: str) -> values.Lesson | None:
        try:
            text = data.decode("utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError:
            self.problem(path, (1, 1), "the file is not UTF-8 text")
            return None
        end = text.find("\n---\n", 3)
        if not text.startswith("---\n") or end < 0:
            self.problem(path, (1, 1), "a lesson starts with front matter between two --- lines")
            return None
        front, body = text[4 : end + 1], text[end + 5 :]
        parsed = self.parse(front.encode(), path, _LESSON_SCHEMA, line_offset=1)
        body_offset = front.count("\n") + 2
        for media_name, line in markdown.media_references(body):
            self.load_media(media_name, (path, (line + body_offset, 1)))
        for line, message in advice.lesson_advice(body):
            self.warn(path, (line + body_offset, 1) if line else None, message)
        if parsed is None or not {"title", "minutes"} <= parsed[0].keys():
            return None
        meta = parsed[0]
        return values.Lesson(
            path=name,
            slug=slug,
            title=meta["title"],
            minutes=meta["minutes"],
            body=body,
            objectives=tuple(meta.get("objectives", ())),
            required=meta.get("required", True),
        )

    def load_media(self, name: str, at: tuple[str, Position]) -> bool:
        """Read and check ``media/NAME`` once; whether it is there and sound."""
        if f"media/{name}" in self.used:
            return name not in self.bad_media  # checked already, for another lesson or question
        raw = self.read(f"media/{name}", at=at, shared=True)
        if raw is None:
            return False
        try:
            check_media(name, raw[0])
        except MediaProblem as exc:
            self.problem(raw[1], None, str(exc))
            self.bad_media.add(name)
            return False
        return True

    def load_quiz(
        self, name: str, at: tuple[str, Position | None], *, shared: bool = False
    ) -> QuestionFile | None:
        """A quiz, worksheet or bank file, each question checked by its type's schema; the
        media its questions use (a hotspot's ``image: media:...``) are checked, become part
        of the package, and are handed to the type's own media check."""
        raw = self.read(name, at=at, shared=shared)
        if raw is None:
            return None
        read = read_question_file(name, raw[0], label=raw[1])
        self.problems.extend(read.problems)
        sound: list[tuple[FileQuestion, dict[str, Any]]] = []
        for entry in read.entries:
            used = [
                self.load_media(
                    value[len(markdown.MEDIA_SCHEME) :], (read.path, entry.position(key))
                )
                for key, value in strings(entry.raw)
                if value.startswith(markdown.MEDIA_SCHEME)
            ]
            # A question whose media are missing or broken is reported once, for the file.
            if entry.loaded is not None and all(used):
                sound.append((entry, entry.loaded))
        media = {
            name.removeprefix("media/"): data
            for name, data in self.used.items()
            if name.startswith("media/")
        }
        for entry, question in sound:
            # The type's own checks of the media it uses: a hotspot's regions in its image.
            question_type = registry()[question["type"]]
            for key_path, message in question_type.check_media(question, media):
                self.problems.extend(entry.problems(read.path, key_path, message))
            for key_path, message in question_type.advise(question):
                for problem in entry.problems(read.path, key_path, message):
                    self.warnings[replace(problem, warning=True)] = None
        return read

    def load_assessment(
        self, assessment: dict[str, Any], document: PositionedDocument, manifest_path: str
    ) -> int:
        """Check the post-test's files and bank draws; return how many questions it has
        (items whose type is not graded, such as ``description``, are not questions)."""
        count = 0
        if assessment.get("quiz"):
            at = (manifest_path, document.position(("assessment", "quiz")))
            quiz = self.load_quiz(assessment["quiz"], at)
            count += _graded(quiz.entries if quiz else [])
        drawn: dict[str, list[Draw]] = {}
        for index, draw in enumerate(assessment.get("draw", [])):
            if not isinstance(draw, dict) or not {"bank", "count"} <= draw.keys():
                continue  # already reported by the schema
            at = (manifest_path, document.position(("assessment", "draw", index)))
            bank, tags = draw["bank"], draw.get("tags", [])
            questions = self.load_bank(bank, at)
            count += draw["count"]
            if questions is None:
                continue
            eligible = frozenset(
                number
                for number, question in enumerate(questions)
                if question.graded and set(tags) <= set(question.tags)
            )
            if len(eligible) >= draw["count"]:
                drawn.setdefault(bank, []).append((index, draw["count"], eligible))
                continue
            which = f" tagged {', '.join(tags)}" if tags else ""
            self.problem(
                *at,
                f"bank {bank!r} has {len(eligible)} questions{which}; "
                f"the draw asks for {draw['count']}",
            )
        for bank, draws in drawn.items():
            self.check_overlap(bank, draws, document, manifest_path)
        return count

    def check_overlap(
        self,
        bank: str,
        draws: list[Draw],
        document: PositionedDocument,
        manifest_path: str,
    ) -> None:
        short = overdrawn(draws)
        if short is not None:
            numbers, asked, available = short
            self.problem(
                manifest_path,
                document.position(("assessment", "draw", numbers[-1] - 1)),
                f"draws {', '.join(map(str, numbers))} from bank {bank!r} ask for {asked} "
                f"different questions, but only {available} match their tags; an attempt "
                "would have fewer questions than the draws say",
            )

    def load_bank(self, bank: str, at: tuple[str, Position]) -> list[FileQuestion] | None:
        """The bank's questions (YAML or GIFT); None when it cannot be read or has
        problems (a malformed GIFT question is not even counted, so a draw is checked
        against the bank once it is fixed). The package's own bank wins over a shared one,
        whichever its format."""
        for source in (self.files, self.shared):
            for suffix in SUFFIXES:
                name = f"quizzes/{bank}{suffix}"
                if source is None or not _exists(source, name):
                    continue
                read = self.load_quiz(name, at, shared=source is self.shared)
                return read.entries if read and not read.problems else None
        self.problem(*at, f"bank {bank!r} not found: no quizzes/{bank}.yaml or .gift")
        return None


def _graded(questions: list[FileQuestion]) -> int:
    return sum(1 for question in questions if question.graded)


def _exists(source: PackageFiles, name: str) -> bool:
    try:
        source.read(name)
    except (FileNotFoundError, UnsafeName):
        return False
    return True


def check_bank(files: PackageFiles, name: str) -> list[Problem]:
    """Problems in one shared bank file (``quizzes/NAME.yaml`` or ``.gift``), and in the
    media its questions use, followed by its warnings."""
    loader = _Loader(files, None)
    loader.load_quiz(name, (file_path(files.label, name), None))
    return [*loader.problems, *loader.warnings]
