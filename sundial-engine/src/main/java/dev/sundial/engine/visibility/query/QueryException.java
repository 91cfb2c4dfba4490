package dev.sundial.engine.visibility.query;

import dev.sundial.engine.api.EngineException;

/**
 * A list filter that cannot be parsed or does not fit the namespace's search attributes: always
 * INVALID_ARGUMENT, with a message starting "invalid query: " that names the offending token,
 * position, attribute or operator.
 */
public final class QueryException extends EngineException {
  public QueryException(String detail) {
    super(Code.INVALID_ARGUMENT, "invalid query: " + detail);
  }
}
