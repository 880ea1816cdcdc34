"""The Azure sample's count bolt: a BasicBolt keeping a collections.Counter, emitting [word, count].

Reads wordcount.log.tuples from the topology conf, like the native count-bolt.
"""
from collections import Counter

import storm


class CountBolt(storm.BasicBolt):
    def initialize(self, conf, context):
        self._conf = conf
        self._context = context
        log = conf.get("wordcount.log.tuples", False)
        self.log_tuples = log.strip().lower() == "true" if isinstance(log, str) else bool(log)
        # Create a new counter for this instance
        self._counter = Counter()
        storm.logInfo("Counter bolt instance starting...")

    def process(self, tup):
        word = tup.values[0]
        self._counter[word] += 1
        count = self._counter[word]
        if self.log_tuples:
            storm.logInfo("Emitting %s:%s" % (word, count))
        storm.emit([word, count])


# Start the bolt when it's invoked
CountBolt().run()
