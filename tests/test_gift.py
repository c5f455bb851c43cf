"""GIFT: every construct Moodle reads, as CourseKit questions, and every problem at its line."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit.assessment.banks import read_question_file, read_questions
from coursekit.assessment.gift import GiftError, category_tag, parse_gift, read_gift
from coursekit.packages.problems import PackageInvalid


def one(text: str) -> dict:
    (question,) = parse_gift(text)
    return question.data


def errors(text: str) -> list[tuple[int, int, str]]:
    return [(error.line, error.column, error.message) for error in read_gift(text).errors]


# -- question types --------------------------------------------------------------------


def test_single_choice_keeps_option_feedback_and_the_right_option():
    data = one("::bl40:: Which lies deepest? {=artery#Right. ~vein#No. ~nerve}")
    assert data == {
        "id": "bl40",
        "type": "single",
        "text": "Which lies deepest?",
        "options": [
            {"text": "artery", "correct": True, "feedback": "Right."},
            {"text": "vein", "feedback": "No."},
            {"text": "nerve"},
        ],
    }


def test_one_option_at_100_percent_without_equals_is_single():
    assert one("Q {~%100%yes ~no ~maybe}")["type"] == "single"


def test_partial_credit_on_a_wrong_option_is_dropped():
    options = one("Q {~wrong ~%50%half =full}")["options"]
    assert [option.get("correct", False) for option in options] == [False, False, True]


def test_weights_make_a_multiple_choice_with_partial_scoring():
    data = one("Q {~%50%Grant ~%50%Grant's wife ~%-100%No one ~Father}")
    assert data["type"] == "multiple" and data["scoring"] == "partial"
    assert [option.get("correct", False) for option in data["options"]] == [
        True,
        True,
        False,
        False,
    ]


def test_decimal_weights():
    data = one("Continents\\: {~%33.3%Africa ~%33.3%Asia ~%-100%China ~%33.4%Antarctica}")
    assert data["text"] == "Continents:"
    assert sum(option.get("correct", False) for option in data["options"]) == 3


@pytest.mark.parametrize("answer", ["T", "TRUE"])
def test_true_feedback_first_is_for_the_wrong_answer(answer):
    # Moodle: {T#shown to those who answered false#shown to those who answered true}
    data = one(f"DVT is a red flag. {{{answer}#Look again.#Yes.}}")
    assert data == {
        "id": data["id"],
        "type": "true_false",
        "text": "DVT is a red flag.",
        "answer": True,
        "feedback_true": "Yes.",
        "feedback_false": "Look again.",
    }


@pytest.mark.parametrize("answer", ["F", "FALSE"])
def test_false_feedback_first_is_for_the_wrong_answer(answer):
    data = one(f"Needle a swollen calf. {{{answer}#Never.#Right, refer.}}")
    assert data["answer"] is False
    assert (data["feedback_true"], data["feedback_false"]) == ("Never.", "Right, refer.")


def test_true_false_without_feedback_and_lowercase_is_short_answer():
    assert "feedback_true" not in one("Q {T}") and one("Q {T}")["answer"] is True
    assert one("Q {t}") == {**one("Q {t}"), "type": "short_text", "accepted": ["t"]}


def test_short_answer_keeps_the_full_credit_answers():
    data = one("Where from? {=Nazareth#Yes =nazareth =%50%Nazereth#Close =%0%*#No}")
    assert (data["type"], data["accepted"]) == ("short_text", ["Nazareth", "nazareth"])
    assert one("Number one in words? {One}")["accepted"] == ["One"]


@pytest.mark.parametrize(
    ("block", "fields"),
    [
        ("{#19}", {"answer": 19}),
        ("{#19:2}", {"answer": 19, "tolerance": 2}),
        ("{#-3.142:0.001}", {"answer": -3.142, "tolerance": 0.001}),
        ("{#17..21}", {"min": 17, "max": 21}),
        ("{#-5..5}", {"min": -5, "max": 5}),
        ("{#1e3}", {"answer": 1000.0}),
        ("{#\n=1822:0 #Right\n=%50%1822:2 #Close\n}", {"answer": 1822}),
        ("{#=%0%5 =%100%9 =%0%23}", {"answer": 9}),
        ("{#\n=3:2\n~#Completely wrong}", {"answer": 3, "tolerance": 2}),
        ("{#=19 =19:0}", {"answer": 19}),
    ],
)
def test_numeric(block, fields):
    data = one(f"How many? {block}")
    assert data == {"id": data["id"], "type": "numeric", "text": "How many?", **fields}


def test_matching_with_a_distractor():
    data = one("Match. {=BL40 -> popliteal crease =BL57 -> below the calf =-> the heel}")
    assert data["type"] == "matching"
    assert data["pairs"] == [
        {"left": "BL40", "right": "popliteal crease"},
        {"left": "BL57", "right": "below the calf"},
    ]
    assert data["distractors"] == ["the heel"]


def test_arrows_with_tilde_are_multiple_choice_like_moodle():
    assert one("How? {~a -> b =c -> d}")["type"] == "single"


def test_essay_description_and_general_feedback():
    assert one("Write about DVT. {}")["type"] == "essay"
    essay = one("Write. {####A good answer names referral.}")
    assert (essay["type"], essay["explanation"]) == ("essay", "A good answer names referral.")
    assert one("A case: a runner with calf pain.") == {
        "id": one("A case: a runner with calf pain.")["id"],
        "type": "description",
        "text": "A case: a runner with calf pain.",
    }
    data = one("Q {=a ~b ####Because\nof a.}")
    assert data["explanation"] == "Because\nof a."
    assert [option["text"] for option in data["options"]] == ["a", "b"]


def test_answers_inside_the_text_leave_a_blank():
    assert one("Grant is {~buried =entombed} in Grant's tomb.")["text"] == (
        "Grant is _____ in Grant's tomb."
    )
    assert one("{=Asia} is the largest continent.")["text"] == "_____ is the largest continent."
    assert one("Pi to 3 places? {#3.1415:0.0005}.")["text"] == "Pi to 3 places? _____."
    assert one("Ends with answers\n{=a}\n")["text"] == "Ends with answers"


# -- text, escapes, formats ----------------------------------------------------------------


def test_escapes():
    data = one(
        "::Symbols\\: all:: \\~ \\= \\# \\{ \\} \\: \\\\ a\\nb {\n"
        "~ \\= 2 + 2 # \\= is escaped\n= \\\\ # a backslash}"
    )
    assert data["text"] == "~ = # { } : \\ a\nb"
    assert [option["text"] for option in data["options"]] == ["= 2 + 2", "\\"]
    assert data["options"][0]["feedback"] == "= is escaped"
    assert read_gift("::Title\\:::Text {T}").questions[0].title == "Title:"
    assert one("A \\q and a lone \\ stay.")["text"] == "A \\q and a lone \\ stay."


def test_text_formats():
    assert one("[markdown]Who is in **the tomb**?{T}")["text"] == "Who is in **the tomb**?"
    assert one("[moodle]2 * 3 = six {T}")["text"] == "2 * 3 = six"
    assert one("[plain]2 *3* [x] <b> {T}")["text"] == "2 \\*3\\* \\[x\\] \\<b\\>"
    assert one("[plain]1. first\n- second {T}")["text"] == "1\\. first\n\\- second"
    html = one(
        '[html]<p>Which <b>point</b>?</p><p><a href="https://who.int">WHO</a> &amp; '
        '<a href="javascript:x">x</a><br>2*2</p>{=<em>BL40</em>#<i>Yes</i> ~BL57}'
    )
    assert html["text"] == "Which **point**?\n\n[WHO](https://who.int) \\& x\\\n2\\*2"
    assert html["options"][0] == {"text": "*BL40*", "correct": True, "feedback": "*Yes*"}
    own_format = one("[html]<p>Q</p>{=[plain]a*b ~[markdown]**c**}")
    assert [option["text"] for option in own_format["options"]] == ["a\\*b", "**c**"]


def test_html_lists_code_and_comments():
    text = one(
        "[html]<ul><li>one</li><li>two</li></ul><!-- note --><pre>\n  x \\{ y \\}\n</pre>"
        "<script>alert(1)</script>{}"
    )["text"]
    assert text == "- one\n- two\n\n```\n  x { y }\n```"


def test_html_images_outside_the_export_are_refused():
    assert errors('Q {=[html]<img src\\="@@PLUGINFILE@@/3.png"> ~b}') == [
        (
            1,
            4,
            "the image '@@PLUGINFILE@@/3.png' is not part of a GIFT file; put it in media/ "
            "and write ![description](media:NAME) instead",
        )
    ]
    text = one('[html]<img src\\="https\\://x.org/a.png" alt\\="A *map*">{}')["text"]
    assert text == "![A \\*map\\*](https://x.org/a.png)"


def test_crlf_lone_cr_bom_and_comments():
    text = "\ufeff// intro\r\n::a:: One? {T}\r\n\r\n// about b\r\n::b:: Two? {F}\r\r::c:: Three {}"
    questions = parse_gift(text)
    assert [(q.data["id"], q.line, q.column) for q in questions] == [
        ("a", 2, 1),
        ("b", 5, 1),
        ("c", 7, 1),
    ]
    assert questions[0].data["text"] == "One?"


def test_comments_inside_a_question_are_ignored():
    data = one("Q {\n// a comment = ~\n=a\n~b\n}")
    assert [option["text"] for option in data["options"]] == ["a", "b"]
    assert one("See http://example.org {T}")["text"] == "See http://example.org"


def test_blank_lines_separate_questions_and_indentation_is_kept():
    questions = parse_gift("[markdown]List\n- one\n    - nested\n\n\n   \nNext {T}")
    assert questions[0].data["text"] == "List\n- one\n    - nested"
    assert (questions[1].line, questions[1].data["type"]) == (7, "true_false")


# -- ids, titles, tags ---------------------------------------------------------------------


def test_ids_from_id_comments_titles_and_text():
    questions = parse_gift(
        "// [id:pls-1]\n::Ignored title:: A {T}\n\n"
        "::pls-2:: B {T}\n\n"
        "::Grant's Tomb (é):: C {T}\n\n"
        "::Grant's Tomb (é):: D {T}\n\n"
        "::¿¡:: E {T}\n\n"
        "F {T}\n\n"
        "F {T}\n"
    )
    digest = hashlib.sha1(b"E", usedforsecurity=False).hexdigest()[:12]
    f_digest = hashlib.sha1(b"F", usedforsecurity=False).hexdigest()[:12]
    assert [q.data["id"] for q in questions] == [
        "pls-1",
        "pls-2",
        "grant-s-tomb-e",
        "grant-s-tomb-e-2",
        f"gift-{digest}",
        f"gift-{f_digest}",
        f"gift-{f_digest}-2",
    ]
    assert [q.title for q in questions[:3]] == ["Ignored title", "pls-2", "Grant's Tomb (é)"]


def test_a_derived_id_never_takes_an_explicit_one():
    questions = parse_gift("::Some title:: A {T}\n\n::some-title:: B {T}")
    assert [q.data["id"] for q in questions] == ["some-title-2", "some-title"]


def test_categories_and_tag_comments_become_tags():
    questions = parse_gift(
        "A {T}\n\n"
        "$CATEGORY: $course$/top/Needling Safety/Posterior leg\n\n"
        "// [tag:red-flags] [tag:dvt]\nB {T}\n\n"
        "$CATEGORY: $course$/top\n"
        "C {T}\n"
    )
    assert [q.data.get("tags") for q in questions] == [
        None,
        ["posterior-leg", "red-flags", "dvt"],
        None,
    ]
    assert category_tag("$course$/top/Default for Unit 1: Topic") == "default-for-unit-1-topic"
    assert category_tag("$system$/top/A//B") == "a-b"
    assert read_gift("$CATEGORY: x/Calf\n\nQ {T}").categories == ["x/Calf"]


# -- problems ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("Q {=a ~b", 1, 3, "this { is not closed by }"),
        ("Q =a ~b}", 1, 8, "} without an opening {"),
        ("Q {T}\nR {F}", 2, 3, "a second answer block"),
        ("::title Q {T}", 1, 1, "the title is not closed"),
        ("::t:: {T}", 1, 6, "the question has no text"),
        ("Q {#abc}", 1, 5, "'abc' is not a number"),
        ("Q {#}", 1, 3, "needs a value after #"),
        ("Q {#1:-2}", 1, 5, "the tolerance must not be negative"),
        ("Q {#5..1}", 1, 5, "the minimum is above the maximum"),
        ("Q {#=1 =2}", 1, 8, "2 different values are fully right"),
        ("Q {#=%50%1}", 1, 3, "no value is worth 100%"),
        ("Q {#=*}", 1, 5, "* (any value) cannot be a right answer"),
        ("Q {\n  =a\n  =b\n  ~c}", 3, 3, "2 options are fully right"),
        ("Q {=%50%a ~b}", 1, 3, "no option is worth 100%"),
        ("Q {~a ~b}", 1, 3, "no option is right"),
        ("Q {x ~a =b}", 1, 4, "text before the first option"),
        ("Q {~%150%a =b}", 1, 4, "weight 150% is not from -100% to 100%"),
        ("Q {=a ~#no text}", 1, 7, "an option has no text"),
        ("Q {~a}", 1, 3, "needs at least 2 options"),
        ("Q {=a -> b\n=c}", 2, 1, "a matching pair is written =left -> right"),
        ("Q {=a -> b =c ->}", 1, 12, "nothing after ->"),
        ("Q {=a -> b}", 1, 3, "at least 2 pairs"),
        ("Q {=%50%a}", 1, 3, "no answer is worth 100%"),
        ("Q {=a =*}", 1, 7, "* (any answer) cannot be a right answer"),
        ("Q {= #x}", 1, 4, "an answer has no text"),
        ("// [id:two words]\nQ {T}", 1, 4, "is not an id"),
        ("Q \U0010ff3a {T}", 1, 3, "unexpected private-use character"),
    ],
)
def test_each_problem_is_reported_at_its_line_and_column(text, line, column, words):
    ((found_line, found_column, message),) = errors(text)
    assert words in message
    assert (found_line, found_column) == (line, column)


def test_every_problem_in_a_file_is_collected_and_good_questions_kept():
    text = "::a:: ok {T}\n\n::b:: bad {#x}\n\n::c:: ok {F}\n\nunclosed {=a ~b\n\n::a:: dup {T}\n"
    read = read_gift(text)
    assert [q.data["id"] for q in read.questions] == ["a", "c"]
    assert [(e.line, e.message.split(":")[0]) for e in read.errors] == [
        (3, "'x' is not a number"),
        (7, "this { is not closed by }"),
        (9, "question id 'a' is used twice"),
    ]
    with pytest.raises(GiftError) as info:
        parse_gift(text)
    assert (info.value.line, info.value.column) == (3, 13)
    assert len(info.value.errors) == 3 and info.value.errors[0] is not info.value


def test_every_gift_question_loads_with_its_type_schema():
    text = (
        "Q1 {=a ~b}\n\nQ2 {~%50%a ~%50%b ~c}\n\nQ3 {T}\n\nQ4 {=x}\n\nQ5 {#1..2}\n\n"
        "Q6 {=a -> b =c -> d =e -> f}\n\nQ7 {}\n\nQ8\n"
    )
    loaded = read_questions("bank.gift", text.encode())
    assert [q["type"] for q in loaded] == [
        "single",
        "multiple",
        "true_false",
        "short_text",
        "numeric",
        "matching",
        "essay",
        "description",
    ]
    assert loaded[0]["points"] == 1.0  # defaults filled by the schema


def test_schema_problems_in_gift_are_reported_at_the_question():
    text = "Q1 {T}\n\n::m:: Match {=a -> x =b -> x =c -> y}\n"
    with pytest.raises(PackageInvalid) as info:
        read_questions("quizzes/bank.gift", text.encode(), label="lib/quizzes/bank.gift")
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.column) == ("lib/quizzes/bank.gift", 3, 1)
    assert problem.message.startswith("pairs: right texts must differ")


GIFT_ALPHABET = st.sampled_from([*"{}~=#:\\-%>[]$/ \n\rabT1.09", "::", "->", "//", "####"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(GIFT_ALPHABET, max_size=40).map("".join) | st.text(max_size=60))
def test_any_text_gives_questions_or_positioned_problems(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    read = read_gift(text)
    for error in read.errors:
        assert 1 <= error.line <= len(lines) and error.column >= 1 and error.message
    for question in read.questions:
        assert question.data["id"] and question.data["text"]
        assert question.data["type"] in {
            "single",
            "multiple",
            "true_false",
            "short_text",
            "numeric",
            "matching",
            "essay",
            "description",
        }
    # Every question parsed is either loaded by its type or reported: nothing raises.
    checked = read_question_file("bank.gift", text.encode("utf-8", "surrogatepass"))
    assert len(checked.questions) + len(checked.problems) >= len(read.questions)
