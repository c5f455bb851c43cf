"""The instructor area: the modules an instructor teaches, and the authoring of new versions."""
