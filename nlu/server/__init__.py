"""What our Rasa server loads besides the model: the inspect channel, its fixes of Rasa's action calls, the tracker store, `python -m nlu.server`."""
