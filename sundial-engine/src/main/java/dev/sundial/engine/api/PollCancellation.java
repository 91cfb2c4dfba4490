package dev.sundial.engine.api;

/** A long poll the frontend can cancel when its caller goes away. */
public interface PollCancellation {
  /** A poll nobody cancels (internal calls, tests). */
  PollCancellation NEVER =
      new PollCancellation() {
        @Override
        public void onCancel(Runnable r) {}

        @Override
        public boolean isCancelled() {
          return false;
        }
      };

  void onCancel(Runnable r);

  boolean isCancelled();
}
