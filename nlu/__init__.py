"""Our Rasa-side code: Chinese NLU components, the inspect channel and NLU tools (Rasa env)."""
