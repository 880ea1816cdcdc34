package com.example.wordcount;

/** The real SentenceSpout, recording which message ids Storm acks and fails before passing them on. */
public class TrackingSentenceSpout extends SentenceSpout {
    private static final long serialVersionUID = 1L;
    private final String key;

    public TrackingSentenceSpout(Variant variant, String key) {
        super(variant);
        this.key = key;
    }

    @Override
    public void ack(Object msgId) {
        Results.of(key).acked.add(msgId);
        super.ack(msgId);
    }

    @Override
    public void fail(Object msgId) {
        Results.of(key).failed.add(msgId);
        super.fail(msgId);
    }
}
