"""The Azure sample's sentence spout, plus the settings of the native sentence-spout.

By default it behaves exactly like the sample: random.choice of the five sentences, storm.emit([s]).
It reads the same topology conf keys as the native binary (conf only, no flags):
wordcount.spout.corpus, .order, .reliable, .max.pending, .limit, .seed and wordcount.log.tuples.
Run as `python3 sentencespout.py` with the resources dir as working directory (storm.py beside it).
"""
import random
from collections import deque

import storm

# The sample's sentences.
SENTENCES = """
the cow jumped over the moon
an apple a day keeps the doctor away
four score and seven years ago
snow white and the seven dwarfs
i am at two with nature
""".strip().split('\n')


def conf_bool(conf, key, default=False):
    value = conf.get(key, default)
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def conf_int(conf, key, default=None):
    value = conf.get(key, default)
    return None if value is None else int(value)


def read_corpus(path):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\r\n") for line in f]
    sentences = [line for line in lines if line.strip()]
    if not sentences:
        raise ValueError("corpus %s has no sentences" % path)
    return sentences


class SentenceSpout(storm.Spout):
    def initialize(self, conf, context):
        self._conf = conf
        self._context = context
        corpus = conf.get("wordcount.spout.corpus")
        self.sentences = read_corpus(corpus) if corpus else SENTENCES
        self.sequential = conf.get("wordcount.spout.order", "random") == "sequential"
        self.reliable = conf_bool(conf, "wordcount.spout.reliable")
        self.max_pending = conf_int(conf, "wordcount.spout.max.pending", 1000)
        self.limit = conf_int(conf, "wordcount.spout.limit")
        seed = conf_int(conf, "wordcount.spout.seed")
        self.rng = random.Random(seed) if seed is not None else random
        self.log_tuples = conf_bool(conf, "wordcount.log.tuples")
        self.emitted = 0      # new sentences emitted (replays not counted)
        self.next_id = 1
        self.pending = {}     # reliable mode: message id -> sentence, until acked
        self.replays = deque()
        storm.logInfo("Spout instance starting...")

    def nextTuple(self):
        if self.replays:
            msg_id = self.replays.popleft()
            self._emit(self.pending[msg_id], msg_id)
            return
        if self.limit is not None and self.emitted >= self.limit:
            return
        if self.reliable and len(self.pending) >= self.max_pending:
            return
        if self.sequential:
            sentence = self.sentences[self.emitted % len(self.sentences)]
        else:
            sentence = self.rng.choice(self.sentences)
        self.emitted += 1
        if self.reliable:
            msg_id = self.next_id
            self.next_id += 1
            self.pending[msg_id] = sentence
            self._emit(sentence, msg_id)
        else:
            self._emit(sentence, None)

    def _emit(self, sentence, msg_id):
        if self.log_tuples:
            storm.logInfo("Emiting %s" % sentence)
        if msg_id is None:
            storm.emit([sentence])
        else:
            storm.emit([sentence], id=msg_id)

    def ack(self, id):
        self.pending.pop(id, None)

    def fail(self, id):
        if id in self.pending:
            self.replays.append(id)


# Start the spout when it's invoked
SentenceSpout().run()
