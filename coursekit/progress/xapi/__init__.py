"""xAPI 1.0.3 statements for every learner event, exported as JSON lines or sent to an LRS.

``statements`` turns one timeline event into one statement (a pure mapping);
``render`` adds what the mapping needs from the database (opaque accounts, module
titles, seat time); ``lrs`` speaks HTTP to a Learning Record Store; ``outbox`` sends
what the LRS has not had yet and keeps its place in ``coursekit_xapi_outbox``.
See ``docs/xapi.md``.
"""
