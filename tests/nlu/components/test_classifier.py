"""The classifier's feature matrix is Rasa's, built faster."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from nlu.components.classifier import sentence_matrix


def _message(rng: np.random.Generator, *, dense: bool) -> Message:
    message = Message(data={TEXT: "亲 这件起球吗"})
    for origin, width in (("regex", 5), ("words", 40), ("chars", 120)):
        tokens = sp.random(3, width, density=0.3, format="coo", random_state=rng)
        sentence = sp.random(1, width, density=0.2, format="coo", random_state=rng)
        message.add_features(Features(tokens, FEATURE_TYPE_SEQUENCE, TEXT, origin))
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, origin))
    if dense:
        message.add_features(Features(rng.random((1, 7)), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    # Another attribute's features must not leak in.
    message.add_features(Features(sp.coo_matrix(np.ones((1, 3))), FEATURE_TYPE_SENTENCE, "intent", "x"))
    return message


@pytest.mark.parametrize("dense", [False, True])
def test_matrix_is_rasas_entry_for_entry(dense: bool) -> None:
    rng = np.random.default_rng(7)
    messages = [_message(rng, dense=dense) for _ in range(25)]
    ours = sentence_matrix(messages)
    rasas = LogisticRegressionClassifier._create_X(None, messages)  # type: ignore[arg-type]
    assert ours.shape == rasas.shape == (25, 165 + (7 if dense else 0))
    assert (ours != rasas).nnz == 0


def test_a_message_without_features_is_an_empty_row() -> None:
    rng = np.random.default_rng(1)
    messages = [_message(rng, dense=False), Message(data={TEXT: "？"})]
    ours = sentence_matrix(messages)
    assert ours.shape == (2, 165)
    assert ours[1].nnz == 0


def _fitted(temperature: float, messages: list[Message]):
    from rasa.nlu.tokenizers.tokenizer import Token

    from nlu.components.classifier import ShopLogisticRegressionClassifier

    classifier = ShopLogisticRegressionClassifier(
        {"temperature": temperature, "solver": "newton-cg"},
        "classifier",
        None,
        None,  # type: ignore[arg-type]
    )
    X = sentence_matrix(messages)
    labels = ["ask_size", "complain", "greet"] * (len(messages) // 3) + ["ask_size"] * (len(messages) % 3)
    classifier.clf.fit(X, labels)
    for message in messages:
        message.set("text_tokens", [Token("起球", 3)])
    return classifier


def test_temperature_keeps_the_top_intent_and_softens_its_confidence() -> None:
    from rasa.nlu.constants import TOKENS_NAMES

    assert TOKENS_NAMES[TEXT] == "text_tokens"
    rng = np.random.default_rng(3)
    messages = [_message(rng, dense=True) for _ in range(30)]
    rasa = _fitted(1.0, messages)
    plain = [dict(m.get("intent")) for m in rasa.process(messages)]
    # Temperature 1 is Rasa's own prediction, number for number.
    expected = rasa.clf.predict_proba(sentence_matrix(messages)).max(axis=1)
    assert [p["confidence"] for p in plain] == pytest.approx(list(expected))
    soft = _fitted(1.5, messages)
    soft.clf = rasa.clf
    tempered = soft.process(messages)
    assert [m.get("intent")["name"] for m in tempered] == [p["name"] for p in plain]
    for message, before in zip(tempered, plain):
        ranking = message.get("intent_ranking")
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
        assert message.get("intent")["confidence"] < before["confidence"]


def test_an_intent_weight_below_one_yields_that_intents_borderline_messages_to_the_next() -> None:
    """`intent_weights` (issue 17): out_of_scope, the catch-all, takes fewer real requests."""
    rng = np.random.default_rng(5)
    messages = [_message(rng, dense=True) for _ in range(30)]
    plain = _fitted(1.5, messages)
    before = [(m.get("intent")["name"], m.get("intent_ranking")) for m in plain.process(messages)]
    weighted = _fitted(1.5, messages)
    weighted.clf = plain.clf
    weighted.config["intent_weights"] = {"complain": 0.1}
    after = [(m.get("intent")["name"], m.get("intent_ranking")) for m in weighted.process(messages)]
    moved = [i for i, ((b, _), (a, _)) in enumerate(zip(before, after)) if b != a]
    assert moved, "a tenfold lower weight moves some top answers"
    for i in moved:
        assert before[i][0] == "complain" and after[i][0] != "complain"
    for (_, ranking_before), (_, ranking_after) in zip(before, after):
        assert sum(r["confidence"] for r in ranking_after) == pytest.approx(1.0)
        # The weight is a prior: the other intents keep their order and ratios.
        others_before = [r for r in ranking_before if r["name"] != "complain"]
        others_after = [r for r in ranking_after if r["name"] != "complain"]
        assert [r["name"] for r in others_after] == [r["name"] for r in others_before]
        ratio = others_after[0]["confidence"] / others_after[1]["confidence"]
        assert ratio == pytest.approx(others_before[0]["confidence"] / others_before[1]["confidence"])


def _training_data(intents: list[str]):
    from rasa.shared.nlu.training_data.training_data import TrainingData

    rng = np.random.default_rng(11)
    messages = []
    for k in range(12):
        message = _message(rng, dense=True)
        message.set("intent", intents[k % len(intents)])
        messages.append(message)
    return TrainingData(training_examples=messages)


@pytest.mark.parametrize(
    ("weights", "named"),
    [({"out_of_scpoe": 0.5}, "out_of_scpoe"), ({"complain": 0}, "complain"), ({"greet": -1}, "greet")],
)
def test_a_weight_for_an_unknown_intent_or_not_above_zero_stops_training_naming_it(weights, named) -> None:
    """A typo in config.yml must not silently do nothing; 0 would make an intent unreachable."""
    from nlu.components.classifier import ShopLogisticRegressionClassifier

    config = {"temperature": 1.5, "solver": "newton-cg", "intent_weights": weights}
    classifier = ShopLogisticRegressionClassifier(config, "classifier", None, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=named):
        classifier.train(_training_data(["ask_size", "complain", "greet"]))


def test_the_training_matrix_keeps_the_sentence_vectors_as_a_dense_block() -> None:
    """The fit multiplies them with BLAS (nlu/components/dense_tail.py); the matrix is Rasa's."""
    from nlu.components.classifier import ShopLogisticRegressionClassifier
    from nlu.components.dense_tail import DenseTailMatrix

    classifier = ShopLogisticRegressionClassifier({}, "classifier", None, None)  # type: ignore[arg-type]
    data = _training_data(["ask_size", "complain", "greet"])
    X, y = classifier._create_training_matrix(data)
    rasas = LogisticRegressionClassifier._create_X(None, data.intent_examples)  # type: ignore[arg-type]
    assert isinstance(X, DenseTailMatrix) and X._tail is not None
    assert X._tail.shape == (12, 7)  # the dense feature of _message()
    assert (X != rasas).nnz == 0
    assert y == [m.get("intent") for m in data.intent_examples]


NEIGHBOURS = {"count": 3, "temperature": 0.05, "weight": 0.3}


def _with_neighbours(model_storage, execution_context, neighbours=NEIGHBOURS):  # type: ignore[no-untyped-def]
    from nlu.components.classifier import ShopLogisticRegressionClassifier

    config = {
        **ShopLogisticRegressionClassifier.get_default_config(),
        "temperature": 1.5,
        "solver": "newton-cg",
        "neighbours": neighbours,
    }
    return ShopLogisticRegressionClassifier.create(config, model_storage, Resource("clf"), execution_context)


def test_neighbours_blend_the_nearest_phrasings_vote_into_the_probabilities(
    model_storage, execution_context
) -> None:
    """(1 - weight) of the regression's probabilities, weight of the nearest phrasings' vote;
    the model keeps the phrasings' vectors, so a loaded model answers the same."""
    from rasa.nlu.tokenizers.tokenizer import Token

    from nlu.components.classifier import ShopLogisticRegressionClassifier
    from nlu.components.neighbours import NearestPhrasings

    data = _training_data(["ask_size", "complain", "greet"])
    classifier = _with_neighbours(model_storage, execution_context)
    classifier.train(data)
    messages = data.intent_examples[:6]
    for message in messages:
        message.set("text_tokens", [Token("起球", 3)])
    X = sentence_matrix(messages)
    regression = classifier._regression_probabilities(X)
    vectors = X[:, -7:].toarray()
    votes = NearestPhrasings.fit(vectors, [m.get("intent") for m in messages], list(classifier.clf.classes_))
    expected_votes = classifier._neighbours.probabilities(vectors, count=3, temperature=0.05)
    # Each training message is its own nearest phrasing: its vote leans to its own intent.
    assert [classifier.clf.classes_[i] for i in expected_votes.argmax(axis=1)] == [
        m.get("intent") for m in messages
    ]
    assert votes.classes == list(classifier.clf.classes_)
    blended = classifier._probabilities(X)
    assert blended == pytest.approx(0.7 * regression + 0.3 * expected_votes)

    loaded = ShopLogisticRegressionClassifier.load(
        classifier.config, model_storage, Resource("clf"), execution_context
    )
    assert loaded._neighbours is not None
    assert loaded._probabilities(X) == pytest.approx(blended)
    ranked = loaded.process(messages)
    assert [m.get("intent")["confidence"] for m in ranked] == pytest.approx(list(blended.max(axis=1)))


def test_the_parse_carries_the_regressions_own_share_on_the_grievance_intents(
    model_storage, execution_context
) -> None:
    """`grievance` is the regression's probability on the `grievance_intents` other than the
    intent the message is read as, before the near one-hot votes are blended in; without the
    option the parse has no such key."""
    from rasa.nlu.tokenizers.tokenizer import Token

    data = _training_data(["ask_size", "complain", "greet", "request_return"])
    classifier = _with_neighbours(model_storage, execution_context)
    classifier.config["grievance_intents"] = ["complain", "request_return"]
    classifier.train(data)
    messages = data.intent_examples[:8]
    for message in messages:
        message.set("text_tokens", [Token("起球", 3)])
    X = sentence_matrix(messages)
    classes = list(classifier.clf.classes_)
    grievances = [classes.index("complain"), classes.index("request_return")]
    own = classifier._regression_probabilities(X)
    blended = classifier._probabilities(X)
    classifier.process(messages)
    read_as = [m.get("intent")["name"] for m in messages]
    assert {"complain", "request_return"} & set(read_as), "no message read as a grievance intent"
    expected = [sum(row[i] for i in grievances if classes[i] != intent) for row, intent in zip(own, read_as)]
    shares = [m.get("grievance") for m in messages]
    assert shares == pytest.approx(expected)
    assert shares != pytest.approx(list(blended[:, grievances].sum(axis=1)))  # the votes are not in it
    assert "grievance" in messages[0].output_properties

    classifier.config["grievance_intents"] = []
    fresh = _training_data(["ask_size", "complain", "greet", "request_return"]).intent_examples[:2]
    for message in fresh:
        message.set("text_tokens", [Token("起球", 3)])
    classifier.process(fresh)
    assert all(m.get("grievance") is None for m in fresh)


def test_a_grievance_intent_the_data_lacks_counts_for_nothing_and_is_logged(
    model_storage, execution_context, caplog: pytest.LogCaptureFixture
) -> None:
    """A small training set may lack one; a typo shows in the training log."""
    classifier = _with_neighbours(model_storage, execution_context)
    classifier.config["grievance_intents"] = ["complain", "complian"]
    with caplog.at_level("WARNING"):
        classifier.train(_training_data(["ask_size", "complain", "greet"]))
    assert "grievance_intents not in the training data (counted as 0): complian" in caplog.text
    assert [classifier.clf.classes_[i] for i in classifier._grievance_columns()] == ["complain"]


@pytest.mark.parametrize(
    ("neighbours", "named"),
    [
        ({"count": 3, "weight": 0.3, "temprature": 0.1}, "temprature"),
        ({"count": 0, "weight": 0.3}, "count >= 1"),
        ({"count": 3, "weight": 1.5}, "weight"),
        ({"count": 3, "weight": 0.3, "temperature": 0}, "temperature > 0"),
    ],
)
def test_a_wrong_neighbours_setting_stops_training_naming_it(
    model_storage, execution_context, neighbours, named
) -> None:
    classifier = _with_neighbours(model_storage, execution_context, neighbours)
    with pytest.raises(ValueError, match=named):
        classifier.train(_training_data(["ask_size", "complain", "greet"]))


def test_neighbours_without_sentence_vectors_stop_training(model_storage, execution_context) -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    rng = np.random.default_rng(3)
    messages = []
    for k in range(9):
        message = _message(rng, dense=False)
        message.set("intent", ["ask_size", "complain", "greet"][k % 3])
        messages.append(message)
    classifier = _with_neighbours(model_storage, execution_context)
    with pytest.raises(ValueError, match="dense featurizer"):
        classifier.train(TrainingData(training_examples=messages))


CHAR_PHRASINGS = {
    "ask_size": ["身高165穿什么码", "体重110斤选M码还是L码", "这条裤子尺码偏大吗", "腰围二尺一穿几码"],
    "complain": ["质量太差了还掉色", "衣服起球严重很失望", "做工粗糙线头很多", "洗一次就缩水了"],
    "greet": ["你好在吗", "亲在不在", "老板你好", "有人在吗"],
}


def _text_data(*, dense: bool = True):  # type: ignore[no-untyped-def]
    """Training messages with the phrasings' texts and random features: the regression learns
    nothing about the texts, so what the characters' vote adds shows."""
    from rasa.nlu.tokenizers.tokenizer import Token
    from rasa.shared.nlu.training_data.training_data import TrainingData

    rng = np.random.default_rng(13)
    messages = []
    for intent, texts in CHAR_PHRASINGS.items():
        for text in texts:
            message = _message(rng, dense=dense)
            message.set(TEXT, text)
            message.set("intent", intent)
            message.set("text_tokens", [Token(text, 0)])
            messages.append(message)
    return TrainingData(training_examples=messages)


def _buyer_messages(texts: list[str], *, dense: bool = True) -> list[Message]:
    from rasa.nlu.tokenizers.tokenizer import Token

    rng = np.random.default_rng(17)
    messages = []
    for text in texts:
        message = _message(rng, dense=dense)
        message.set(TEXT, text)
        message.set("text_tokens", [Token(text, 0)])
        messages.append(message)
    return messages


def test_the_characters_vote_blends_in_and_survives_persist_and_load(
    model_storage, execution_context
) -> None:
    """(1 - weight - char_weight) of the regression, weight of the sentence vectors' vote and
    char_weight of the characters' vote; a typo'd message follows the phrasing it is written like."""
    from nlu.components.classifier import CHAR_NEIGHBOURS_FILE, ShopLogisticRegressionClassifier

    neighbours = {**NEIGHBOURS, "weight": 0.2, "char_count": 3, "char_temperature": 0.05, "char_weight": 0.6}
    classifier = _with_neighbours(model_storage, execution_context, neighbours)
    classifier.train(_text_data())
    buyers = ["身高170穿啥码", "衣服起球了很失忘", "老板在吗"]
    messages = _buyer_messages(buyers)
    X = sentence_matrix(messages)
    regression = classifier._regression_probabilities(X)
    sentence_votes = classifier._neighbours.probabilities(X[:, -7:].toarray(), count=3, temperature=0.05)
    char_votes = classifier._char_neighbours.probabilities(buyers, count=3, temperature=0.05)
    blended = classifier._probabilities(X, buyers)
    assert blended == pytest.approx(0.2 * regression + 0.2 * sentence_votes + 0.6 * char_votes)
    assert blended.sum(axis=1) == pytest.approx([1.0, 1.0, 1.0])

    with model_storage.read_from(Resource("clf")) as model_dir:
        assert (model_dir / CHAR_NEIGHBOURS_FILE).exists()
    loaded = ShopLogisticRegressionClassifier.load(
        classifier.config, model_storage, Resource("clf"), execution_context
    )
    assert loaded._char_neighbours is not None
    assert loaded._probabilities(X, buyers) == pytest.approx(blended)
    ranked = loaded.process(messages)
    assert [m.get("intent")["name"] for m in ranked] == ["ask_size", "complain", "greet"]


def test_char_weight_zero_is_the_sentence_vote_alone_number_for_number(
    model_storage, execution_context
) -> None:
    """The option off (the default) answers exactly as before it existed and stores nothing more."""
    from nlu.components.classifier import CHAR_NEIGHBOURS_FILE

    classifier = _with_neighbours(model_storage, execution_context, {**NEIGHBOURS, "char_weight": 0})
    classifier.train(_text_data())
    assert classifier._char_neighbours is None
    with model_storage.read_from(Resource("clf")) as model_dir:
        assert not (model_dir / CHAR_NEIGHBOURS_FILE).exists()
    buyers = ["身高170穿啥码", "衣服起球了很失忘", "老板在吗"]
    X = sentence_matrix(_buyer_messages(buyers))
    votes = classifier._neighbours.probabilities(X[:, -7:].toarray(), count=3, temperature=0.05)
    expected = (1 - 0.3) * classifier._regression_probabilities(
        X
    ) + 0.3 * votes  # the formula before char_weight
    assert np.array_equal(classifier._probabilities(X, buyers), expected)


def test_the_characters_vote_alone_needs_no_sentence_vectors(model_storage, execution_context) -> None:
    classifier = _with_neighbours(model_storage, execution_context, {"char_count": 3, "char_weight": 0.7})
    classifier.train(_text_data(dense=False))
    assert classifier._neighbours is None and classifier._char_neighbours is not None
    messages = _buyer_messages(["身高170穿啥码", "衣服起球了很失忘", "老板在吗"], dense=False)
    assert [m.get("intent")["name"] for m in classifier.process(messages)] == [
        "ask_size",
        "complain",
        "greet",
    ]


@pytest.mark.parametrize(
    ("neighbours", "named"),
    [
        ({"count": 3, "weight": 0.3, "char_wieght": 0.1}, "char_wieght"),
        ({"count": 3, "weight": 0.3, "char_weight": 0.2, "char_count": 0}, "count >= 1"),
        ({"count": 3, "weight": 0.6, "char_weight": 0.5}, "at most 1"),
        ({"count": 3, "weight": 0.3, "char_weight": -0.1}, "0 or more"),
        ({"char_weight": 0.3, "char_temperature": 0}, "temperature > 0"),
    ],
)
def test_a_wrong_characters_vote_setting_stops_training_naming_it(
    model_storage, execution_context, neighbours, named
) -> None:
    classifier = _with_neighbours(model_storage, execution_context, neighbours)
    with pytest.raises(ValueError, match=named):
        classifier.train(_text_data())


def test_the_parse_carries_the_complaint_tone_and_it_survives_persist_and_load(
    model_storage, execution_context
) -> None:
    """`complaint_tone` adds `tone`: the binary regression fitted on the training texts (complain
    against the rest), stored with the model; without the option the parse has no such key."""
    from nlu.components.classifier import TONE_FILE, ShopLogisticRegressionClassifier
    from nlu.components.complaint_tone import ComplaintTone

    classifier = _with_neighbours(model_storage, execution_context)
    classifier.config["complaint_tone"] = {"intents": ["complain"], "c": 2.0}
    classifier.train(_text_data())
    texts = [t for phrasings in CHAR_PHRASINGS.values() for t in phrasings]
    expected = ComplaintTone.fit(
        texts, [intent == "complain" for intent, ps in CHAR_PHRASINGS.items() for _ in ps], c=2.0
    ).probabilities(["衣服起球了很失忘", "身高170穿啥码"])
    tones = [
        m.get("tone") for m in classifier.process(_buyer_messages(["衣服起球了很失忘", "身高170穿啥码"]))
    ]
    assert tones == pytest.approx(list(expected))
    assert tones[0] > tones[1]

    with model_storage.read_from(Resource("clf")) as model_dir:
        assert (model_dir / TONE_FILE).exists()
    loaded = ShopLogisticRegressionClassifier.load(
        classifier.config, model_storage, Resource("clf"), execution_context
    )
    again = [m.get("tone") for m in loaded.process(_buyer_messages(["衣服起球了很失忘", "身高170穿啥码"]))]
    assert again == pytest.approx(tones)

    plain = _with_neighbours(model_storage, execution_context)
    plain.train(_text_data())
    assert all(m.get("tone") is None for m in plain.process(_buyer_messages(["衣服起球了很失忘"])))


@pytest.mark.parametrize(
    ("tone", "named"),
    [
        ({"intents": ["complian"]}, "complian"),
        ({"intents": ["complain"], "c": 0}, "c > 0"),
        ({"intents": ["complain"], "C": 3}, "not: C"),
    ],
)
def test_a_wrong_complaint_tone_setting_stops_training_naming_it(
    model_storage, execution_context, tone, named
) -> None:
    classifier = _with_neighbours(model_storage, execution_context)
    classifier.config["complaint_tone"] = tone
    with pytest.raises(ValueError, match=named):
        classifier.train(_text_data())
