"""Code that runs inside the Rasa env (spaCy 3.4): the NLU pipeline's spaCy model.

Nothing here imports from the app env (``bot``, ``actions``, ``integrations``).
"""
