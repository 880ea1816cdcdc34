"""The Azure sample's split bolt: a BasicBolt emitting each word of sentence.split().

Reads wordcount.split.mode and wordcount.log.tuples from the topology conf, like the native
split-bolt. Mode "python" (the default) is the sample's str.split(); mode "words" here is only an
approximation of the native UAX#29 word segmentation (runs of word characters, lowercased).
"""
import re

import storm

WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


class SplitBolt(storm.BasicBolt):
    def initialize(self, conf, context):
        self._conf = conf
        self._context = context
        self.words_mode = conf.get("wordcount.split.mode", "python") == "words"
        log = conf.get("wordcount.log.tuples", False)
        self.log_tuples = log.strip().lower() == "true" if isinstance(log, str) else bool(log)
        if self.words_mode:
            storm.logWarn("splitbolt.py: mode 'words' is an approximation of the native UAX#29 split")
        storm.logInfo("Split bolt instance starting...")

    def process(self, tup):
        sentence = tup.values[0]
        # A sentence that is not a string raises here: BasicBolt reports the error and fails the tuple.
        words = [w.lower() for w in WORD.findall(sentence)] if self.words_mode else sentence.split()
        for word in words:
            if self.log_tuples:
                storm.logInfo("Emitting %s" % word)
            storm.emit([word])


# Start the bolt when it's invoked
SplitBolt().run()
