package dev.sundial.engine.state;

/** A pending user timer. */
public final class TimerInfo {
  public String timerId;
  public long startedEventId;
  public long fireTime;
  public long timerTaskId;
}
