package dev.sundial.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The headline figures {@code server status} shows, read from the server's /metrics: uptime, the
 * task backlog, and the group commit's p99 latency (from the Commit histogram since start).
 */
record ServerFigures(double uptimeSeconds, double backlog, Double commitP99Seconds) {

  /** The figures from /metrics at {@code address} (host:port), or null when none answered. */
  static ServerFigures read(String address, String apiKey) {
    try {
      var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      var request = HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
          .timeout(Duration.ofSeconds(5)).GET();
      if (apiKey != null && !apiKey.isEmpty()) {
        request.header("Authorization", "Bearer " + apiKey);
      }
      var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? parse(response.body()) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Reads the few samples it needs from the text format Sundial writes (one sample a line). */
  static ServerFigures parse(String text) {
    double uptime = 0;
    double backlog = 0;
    List<double[]> commitBuckets = new ArrayList<>(); // {le, cumulative count}
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      int space = line.lastIndexOf(' ');
      double value = Double.parseDouble(line.substring(space + 1));
      String series = line.substring(0, space);
      if (series.startsWith("process_uptime_seconds")) {
        uptime = value;
      } else if (series.startsWith("approximate_backlog_count")) {
        backlog += value;
      } else if (series.startsWith("persistence_latency_bucket")
          && series.contains("operation=\"Commit\"")) {
        String le = series.substring(series.indexOf("le=\"") + 4, series.lastIndexOf('"'));
        commitBuckets.add(new double[] {
            le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value});
      }
    }
    return new ServerFigures(uptime, backlog, p99(commitBuckets));
  }

  /** The upper bound of the bucket holding the 99th percentile (null without observations). */
  private static Double p99(List<double[]> buckets) {
    buckets.sort((a, b) -> Double.compare(a[0], b[0]));
    if (buckets.isEmpty() || buckets.get(buckets.size() - 1)[1] == 0) return null;
    double rank = 0.99 * buckets.get(buckets.size() - 1)[1];
    for (double[] b : buckets) {
      if (b[1] >= rank) return b[0];
    }
    return null;
  }

  static String duration(double seconds) {
    long s = (long) seconds;
    if (s < 60) return s + "s";
    if (s < 3600) return (s / 60) + "m" + (s % 60) + "s";
    if (s < 86400) return (s / 3600) + "h" + (s % 3600 / 60) + "m";
    return (s / 86400) + "d" + (s % 86400 / 3600) + "h";
  }
}
