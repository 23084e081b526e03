"""Custom actions: one module per capability; each drafts a reply from shop data.

rasa-sdk imports every module here and instantiates every concrete Action with
no arguments, so modules do no I/O at import time and shared bases are abstract.
"""
