"""The course's applications: the digit recognizer web app (``neuroflow digits``)."""
