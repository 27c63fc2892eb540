package io.mssd.ssd.train;

/** Training data by index: decodes (or returns a cached copy of) sample i. Called from several loader threads. */
public interface SampleSource {

    int size();

    TrainingSample load(int index);
}
