"""Post-test attempts as their learner sees them: never an answer key while the
attempt is open, and afterwards only what the module's review policy allows."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class AttemptSchema(Schema):
    id = fields.Integer()
    number = fields.Integer(metadata={"description": "1 for your first attempt, and so on."})
    questions = fields.Method("question_count", metadata={"type": "integer"})
    started_at = fields.AwareDateTime()
    deadline = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    close_reason = fields.String(allow_none=True)
    is_open = fields.Boolean()

    def question_count(self, attempt) -> int:
        return len(attempt.questions)


class QuestionSchema(Schema):
    """One question of an open attempt: its text and options in your order, no key."""

    attempt = fields.Integer()
    number = fields.Integer()
    of = fields.Integer()
    question = fields.Dict(metadata={"description": "The question as its type presents it."})
    points = fields.Float(allow_none=True)
    response = fields.Raw(allow_none=True, metadata={"description": "Your saved answer."})
    image_url = fields.String(allow_none=True)
    deadline = fields.AwareDateTime(allow_none=True)


class AnswerInput(Schema):
    response = fields.Raw(
        required=True,
        allow_none=True,
        metadata={
            "description": "The answer in the question type's JSON form; null or empty "
            "withdraws an earlier answer."
        },
    )


class SavedSchema(Schema):
    saved_at = fields.AwareDateTime(allow_none=True)
    deadline = fields.AwareDateTime(allow_none=True)


class CheckedItemSchema(Schema):
    number = fields.Integer()
    answerable = fields.Boolean()
    answered = fields.Boolean()
    response = fields.Raw(allow_none=True)


class CheckSchema(Schema):
    """Check your answers before the final submission (no question text, no key)."""

    attempt = fields.Nested(AttemptSchema)
    items = fields.List(fields.Nested(CheckedItemSchema))
    unanswered = fields.Integer()


class SubmitInput(Schema):
    confirm = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="Send true to submit your final answers."),
    )


class GradeSchema(Schema):
    percent = fields.Float()
    passed = fields.Boolean()


class ReviewedItemSchema(Schema):
    number = fields.Integer()
    question = fields.Dict()
    response = fields.Raw(allow_none=True)
    key = fields.Raw(
        allow_none=True, metadata={"description": "Only when the review policy allows."}
    )
    verdict = fields.String(metadata={"description": "correct, partly correct, incorrect."})
    earned = fields.Float(allow_none=True)
    possible = fields.Float(allow_none=True)


class ReviewSchema(Schema):
    attempt = fields.Nested(AttemptSchema)
    grade = fields.Nested(GradeSchema, allow_none=True)
    show_key = fields.Boolean()
    items = fields.List(fields.Nested(ReviewedItemSchema))
