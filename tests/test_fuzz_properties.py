"""Property-based fuzzing (Hypothesis) of what reads untrusted text or grades untrusted
answers: the GIFT parser, every registered question type's ``parse`` and ``grade``, and
the verification code parser. The package loader's fuzzing is in
``tests/test_package_fuzz.py``. Each property is bounded (``FUZZ``) so the file runs in
seconds."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.assessment.gift import GiftError, parse_gift
from coursekit.assessment.grading import grade_attempt
from coursekit.assessment.registry import registry
from coursekit.assessment.types.base import InvalidResponse
from coursekit.certificates.codes import ALPHABET, CODE_LENGTH, grouped, normalise_code
from tests.question_samples import SAMPLES, sample

FUZZ = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
CHARACTERS = st.characters(exclude_categories=("Cs",))
GIFT_PIECES = st.sampled_from(
    [
        *"{}~=#:\\-%>[]$/ \n\r\tabT1.09",
        *("::", "->", "//", "####", "$CATEGORY:", "[html]", "[id:", "[tag:", "TRUE", "FALSE"),
        *("{#", "..", "%50%", "\n\n", "\ufeff", "é"),
    ]
)

# -- GIFT -------------------------------------------------------------------------------


@FUZZ
@given(text=st.lists(GIFT_PIECES, max_size=80).map("".join) | st.text(CHARACTERS, max_size=200))
def test_gift_text_parses_or_raises_a_positioned_gift_error(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    try:
        questions = parse_gift(text)
    except GiftError as exc:
        assert exc.errors and exc.errors[0].message == exc.message
        for error in exc.errors:
            assert 1 <= error.line <= len(lines) and error.column >= 1 and error.message
        return
    assert parse_gift(text) == questions  # deterministic
    for question in questions:
        assert question.data["id"] and question.data["type"] in registry()


# -- grading ----------------------------------------------------------------------------

GRADED = sorted(name for name, data in SAMPLES.items() if registry()[data["type"]].graded)
JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(CHARACTERS, max_size=20)
    | st.sampled_from(["0", "1", "2", "01", " 1", "1.0", "-1", "1e308", "nan", "inf", ""]),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.sampled_from(["x", "y", "candidate", "z"]), children, max_size=3)
    ),
    max_leaves=10,
)
"""Whatever a form post or the JSON API can carry, including what no form would send."""


def plausible(count: int) -> st.SearchStrategy:
    """Responses shaped like the real ones, so examples also reach ``grade``."""
    index = st.integers(0, max(count - 1, 0))
    return (
        index
        | index.map(str)
        | st.lists(index | index.map(str) | st.none(), max_size=count + 1)
        | st.permutations(list(range(count)))
        | st.fixed_dictionaries({"x": st.floats(-10, 600), "y": st.floats(-10, 600)})
        | st.fixed_dictionaries({"candidate": index})
        | st.sampled_from(["Tibial nerve", "tibial NERVE", "1234.5", "99", "a b c d", " "])
    )


@st.composite
def graded_question(draw):
    """A sample question of any graded type, with random points, scoring and key."""
    name = draw(st.sampled_from(GRADED))
    changes = {"points": draw(st.floats(0.01, 1000)), "critical": draw(st.booleans())}
    if name in ("multiple", "matching", "ordering"):
        scoring = ["all-or-nothing", "partial"] + ["negative"] * (name == "multiple")
        changes["scoring"] = draw(st.sampled_from(scoring))
    if name == "multiple":
        flags = draw(st.lists(st.booleans(), min_size=5, max_size=5).filter(any))
        options = SAMPLES["multiple"]["options"]
        changes["options"] = [{**o, "correct": f} for o, f in zip(options, flags, strict=True)]
    return sample(name, **changes)


@FUZZ
@given(
    question=graded_question(),
    seed=st.integers(0, 2**32),
    raw=st.one_of(JSON_VALUE, plausible(5)),
)
def test_grading_is_bounded_and_deterministic_for_any_response(question, seed, raw):
    kind = registry()[question["type"]]
    arrangement = kind.arrange(question, random.Random(seed), True)  # noqa: S311 - a shuffle
    try:
        response = kind.parse(question, arrangement, raw)
    except InvalidResponse as exc:
        assert str(exc)  # a message the learner reads; no other exception escapes
        response = None
    score = kind.grade(question, response)
    assert score == kind.grade(question, response)  # deterministic
    low = -score.possible if question.get("scoring") == "negative" else 0.0
    assert low <= score.earned <= score.possible
    assert score.possible == (0.0 if kind.manual else question["points"])
    if response is not None:
        assert kind.parse(question, arrangement, kind.display(question, arrangement, response)) == (
            response
        )
    result = grade_attempt([(question, response)], pass_mark=75)
    assert 0 <= result.earned <= result.possible and 0 <= result.percent <= 100
    assert result == grade_attempt([(question, response)], pass_mark=75)


@FUZZ
@given(st.lists(st.tuples(graded_question(), plausible(5)), min_size=1, max_size=6))
def test_an_attempts_score_is_between_zero_and_its_points(pairs):
    answered = []
    for question, raw in pairs:
        kind = registry()[question["type"]]
        try:
            answered.append((question, kind.parse(question, None, raw)))
        except InvalidResponse:
            answered.append((question, None))
    result = grade_attempt(answered, pass_mark=75)
    assert 0 <= result.earned <= result.possible + 1e-9
    assert 0 <= result.percent <= 100
    assert result.passed == (result.percent >= 75 and not result.critical_missed)


# -- verification codes -----------------------------------------------------------------

CODE = st.text(st.sampled_from(ALPHABET), min_size=CODE_LENGTH, max_size=CODE_LENGTH)


@FUZZ
@given(text=st.text(CHARACTERS, max_size=200) | st.text(st.sampled_from(ALPHABET + "-_ .oOiIlL")))
def test_any_text_is_a_code_or_none(text):
    code = normalise_code(text)
    assert code is None or (len(code) == CODE_LENGTH and set(code) <= set(ALPHABET))
    assert normalise_code(text) == code


@FUZZ
@given(code=CODE, lower=st.booleans(), separator=st.sampled_from(["-", " ", "", " - ", "\t"]))
def test_a_printed_code_reads_back(code, lower, separator):
    printed = grouped(code).replace("-", separator)
    assert normalise_code(printed.lower() if lower else printed) == code
    assert normalise_code(grouped(code)) == code


@pytest.mark.parametrize("typed", ["", "-" * 200, "O" * 27, "U" * 28, "0" * 29, "x" * 10_000])
def test_text_that_is_not_a_code_is_none(typed):
    assert normalise_code(typed) is None
