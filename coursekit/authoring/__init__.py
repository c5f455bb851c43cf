"""The instructor area: the modules an instructor teaches, uploading and validating new
versions, previewing them as learners see them, and publishing them."""
