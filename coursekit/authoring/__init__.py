"""The instructor area: upload a packed module, read its validation report and the diff
against the published version, then publish it (or submit it for approval)."""
