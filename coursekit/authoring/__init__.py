"""The instructor area: upload, validation report, preview, publish, question statistics."""
