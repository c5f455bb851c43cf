"""Assessment: question types, quizzes and banks (YAML and GIFT), attempts, worksheets,
evaluations and question statistics."""
