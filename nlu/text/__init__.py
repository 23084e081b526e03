"""Pure text handling (no Rasa): normalisation, number and measurement parsers, entity rules, chat variants, the lexicon generator."""
