package org.nstcg.integrity.engine.support;

/**
 * Input the engine refuses before doing anything (a reason longer than {@link Reasons#MAX_LENGTH}): the message is a
 * sentence saying what to change. An {@link EngineException}, so a face that shows those shows this too; a face that
 * tells outages from bad input (the CLI's exit code 4) can catch it first.
 */
public final class InvalidInputException extends EngineException {

    public InvalidInputException(String message) {
        super(message);
    }
}
