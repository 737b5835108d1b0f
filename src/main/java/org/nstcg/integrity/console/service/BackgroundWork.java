package org.nstcg.integrity.console.service;

import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * Work to run off the FX thread, such as an engine call. It may report progress through the listener it is given;
 * the {@link FxTaskRunner} forwards those reports to the FX thread.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface BackgroundWork<T> {

    T call(ProgressListener progress) throws Exception;
}
