package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sundial.persistence.visibility.Field;
import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.SaValue;
import dev.sundial.persistence.visibility.SystemField;
import dev.sundial.persistence.visibility.VisibilityFilter;
import dev.sundial.persistence.visibility.VisibilityFilter.Op;
import dev.sundial.persistence.visibility.VisibilityPage;
import dev.sundial.persistence.visibility.VisibilityQuery;
import dev.sundial.persistence.visibility.VisibilityRecord;
import dev.sundial.persistence.visibility.VisibilityStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The visibility part of the store contract: rows written atomically with the run's state (and
 * never by a write that conflicts), never regressing, deleted with the run; typed filters with SQL
 * null semantics; orders with keyset paging; counts; the search attribute registry. One subclass
 * per store implementation.
 */
public abstract class VisibilityStoreContractTest {
  protected static final String NS = "ns-vis";
  protected static final int SHARD = 1;

  @TempDir protected Path dir;
  protected Store store;
  protected VisibilityStore vis;
  protected long range;

  protected abstract Store newStore(Path dir);

  public boolean durable() {
    return true;
  }

  @BeforeEach
  void open() {
    store = newStore(dir);
    vis = store.visibility();
    range = store.acquireShard(SHARD, "node");
  }

  @AfterEach
  void close() {
    store.close();
  }

  // ------------------------------------------------------------------ helpers

  static final Field KW = Field.custom("Kw", SaType.KEYWORD);
  static final Field NUM = Field.custom("Num", SaType.INT);
  static final Field DBL = Field.custom("Dbl", SaType.DOUBLE);
  static final Field FLAG = Field.custom("Flag", SaType.BOOL);
  static final Field WHEN = Field.custom("When", SaType.DATETIME);
  static final Field TAGS = Field.custom("Tags", SaType.KEYWORD_LIST);
  static final Field NOTE = Field.custom("Note", SaType.TEXT);

  static VisibilityRecord row(
      String ns, String wf, String run, int status, long start, Long close, long transitions,
      Map<String, SaValue> sa) {
    return new VisibilityRecord(
        ns, wf, run, "Type-" + (start % 2), status, start, start, close,
        close == null ? null : close - start, 3, 100, transitions, "queue", null, null, wf, run,
        sa, ("info:" + run).getBytes(StandardCharsets.UTF_8));
  }

  /** A new run with its visibility row. */
  ExecutionWrite start(VisibilityRecord v) {
    ExecutionRecord e =
        new ExecutionRecord(v.namespaceId(), v.workflowId(), v.runId(), SHARD, 1, true, 2, new byte[] {1});
    return new ExecutionWrite(SHARD, range, e, 0, null, null, false, null, null, null, null, null)
        .withVisibility(v);
  }

  void commit(ExecutionWrite... writes) {
    List<ConflictException> results = store.commit(List.of(writes));
    for (ConflictException c : results) assertThat(c).isNull();
  }

  static String run(byte[] info) {
    return new String(info, StandardCharsets.UTF_8).substring("info:".length());
  }

  List<String> list(VisibilityFilter f, List<VisibilityQuery.Sort> order, int pageSize) {
    List<String> runs = new ArrayList<>();
    byte[] token = null;
    do {
      VisibilityPage p = vis.list(NS, new VisibilityQuery(f, order), pageSize, token);
      assertThat(p.executions().size()).isLessThanOrEqualTo(pageSize);
      p.executions().forEach(b -> runs.add(run(b)));
      token = p.nextPageToken();
    } while (token != null);
    return runs;
  }

  Set<String> matching(VisibilityFilter f) {
    List<String> l = list(f, List.of(), 1000);
    assertThat(vis.count(NS, f)).isEqualTo(l.size());
    return Set.copyOf(l);
  }

  static Map<String, SaValue> sa(Object... kv) {
    Map<String, SaValue> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (SaValue) kv[i + 1]);
    return m;
  }

  /** Five runs with assorted attributes (r1..r5), r4 and r5 closed. */
  void population() {
    commit(
        start(row(NS, "w1", "r1", 1, 10, null, 1,
            sa("Kw", SaValue.keyword("a*b"), "Num", SaValue.integer(5), "Dbl", SaValue.dbl(1.5),
                "Flag", SaValue.bool(true), "When", SaValue.datetimeNanos(1_000),
                "Tags", SaValue.keywordList(List.of("x", "y")), "Note", SaValue.text("Hello, World")))),
        start(row(NS, "w2", "r2", 1, 20, null, 1,
            sa("Kw", SaValue.keyword("a%c"), "Num", SaValue.integer(7), "Dbl", SaValue.dbl(-2.0),
                "Flag", SaValue.bool(false), "Tags", SaValue.keywordList(List.of("y")),
                "Note", SaValue.text("goodbye world")))),
        start(row(NS, "w3", "r3", 1, 30, null, 1,
            sa("Kw", SaValue.keyword("A_b"), "When", SaValue.datetimeNanos(3_000)))),
        start(row(NS, "w4", "r4", 2, 40, 45L, 1, sa())),
        start(row(NS, "w5", "r5", 3, 50, 55L, 1, sa("Num", SaValue.integer(7)))),
        start(row("other-ns", "w1", "x1", 1, 60, null, 1, sa("Kw", SaValue.keyword("a*b")))));
  }

  // ------------------------------------------------------------------ writes

  @Test
  void rowsAreWrittenWithTheRunAndReplacedByLaterStates() {
    VisibilityRecord v1 = row(NS, "w", "r", 1, 10, null, 1, sa("Kw", SaValue.keyword("one")));
    commit(start(v1));
    assertThat(matching(null)).containsExactly("r");
    ExecutionRecord e2 = new ExecutionRecord(NS, "w", "r", SHARD, 2, false, 5, new byte[] {2});
    VisibilityRecord v2 = row(NS, "w", "r", 2, 10, 20L, 2, sa("Kw", SaValue.keyword("two")));
    commit(new ExecutionWrite(SHARD, range, e2, 1, null, null, false, null, null, null, null, null)
        .withVisibility(v2));
    Field status = Field.system(SystemField.EXECUTION_STATUS);
    assertThat(matching(new VisibilityFilter.Compare(status, Op.EQ, 2L))).containsExactly("r");
    assertThat(matching(new VisibilityFilter.Compare(KW, Op.EQ, "two"))).containsExactly("r");
    // An older state never replaces a newer row.
    commit(new ExecutionWrite(SHARD, range, null, 0, null, null, false, null, null, null, null, null)
        .withVisibility(row(NS, "w", "r", 1, 10, null, 1, sa("Kw", SaValue.keyword("stale")))));
    assertThat(matching(new VisibilityFilter.Compare(KW, Op.EQ, "two"))).containsExactly("r");
  }

  @Test
  void aConflictingWriteLeavesNoVisibilityRow() {
    commit(start(row(NS, "w", "r", 1, 10, null, 1, sa())));
    // Same run again: the execution insert conflicts, so its visibility change is undone too.
    ExecutionWrite again = start(row(NS, "w", "r", 2, 10, 11L, 9, sa("Kw", SaValue.keyword("no"))));
    assertThat(store.commit(List.of(again)).get(0)).isNotNull();
    assertThat(matching(new VisibilityFilter.Compare(KW, Op.EQ, "no"))).isEmpty();
    assertThat(matching(new VisibilityFilter.IsNull(Field.system(SystemField.CLOSE_TIME), false)))
        .containsExactly("r");
  }

  @Test
  void deletingTheRunDeletesItsRow() {
    population();
    store.deleteExecution(NS, "w2", "r2");
    assertThat(matching(null)).containsExactlyInAnyOrder("r1", "r3", "r4", "r5");
    store.deleteExecution(NS, "w2", "r2"); // idempotent
  }

  // ------------------------------------------------------------------ filters

  @Test
  void filtersFollowSqlNullSemanticsExceptForListsAndText() {
    population();
    assertThat(matching(new VisibilityFilter.Compare(NUM, Op.EQ, 7L))).containsExactlyInAnyOrder("r2", "r5");
    // != and NOT IN do not match rows without the attribute...
    assertThat(matching(new VisibilityFilter.Compare(NUM, Op.NE, 7L))).containsExactly("r1");
    assertThat(matching(new VisibilityFilter.In(NUM, List.of(5L), true))).containsExactlyInAnyOrder("r2", "r5");
    assertThat(matching(new VisibilityFilter.Not(new VisibilityFilter.Compare(NUM, Op.EQ, 7L)))).containsExactly("r1");
    // ...but "contains none of" matches rows without a list or text.
    assertThat(matching(new VisibilityFilter.Compare(TAGS, Op.NE, "x"))).containsExactlyInAnyOrder("r2", "r3", "r4", "r5");
    assertThat(matching(new VisibilityFilter.Compare(TAGS, Op.EQ, "y"))).containsExactlyInAnyOrder("r1", "r2");
    assertThat(matching(new VisibilityFilter.In(TAGS, List.of("x", "zz"), false))).containsExactly("r1");
    assertThat(matching(new VisibilityFilter.Compare(NOTE, Op.EQ, "WORLD"))).containsExactlyInAnyOrder("r1", "r2");
    assertThat(matching(new VisibilityFilter.Compare(NOTE, Op.EQ, "hello there"))).containsExactly("r1");
    assertThat(matching(new VisibilityFilter.Compare(NOTE, Op.NE, "goodbye"))).containsExactlyInAnyOrder("r1", "r3", "r4", "r5");
    assertThat(matching(new VisibilityFilter.Compare(NOTE, Op.EQ, "wor"))).isEmpty();
    assertThat(matching(new VisibilityFilter.IsNull(TAGS, false))).containsExactlyInAnyOrder("r3", "r4", "r5");
    assertThat(matching(new VisibilityFilter.IsNull(KW, true))).containsExactlyInAnyOrder("r1", "r2", "r3");
    assertThat(matching(new VisibilityFilter.Compare(FLAG, Op.EQ, true))).containsExactly("r1");
    assertThat(matching(new VisibilityFilter.Compare(FLAG, Op.NE, true))).containsExactly("r2");
    assertThat(matching(new VisibilityFilter.Compare(DBL, Op.LT, 0L))).containsExactly("r2");
    assertThat(matching(new VisibilityFilter.Between(DBL, -3.0, 1.5, false))).containsExactlyInAnyOrder("r1", "r2");
    assertThat(matching(new VisibilityFilter.Compare(WHEN, Op.GE, 2_000L))).containsExactly("r3");
    assertThat(matching(new VisibilityFilter.Between(Field.system(SystemField.START_TIME), 20L, 40L, true)))
        .containsExactlyInAnyOrder("r1", "r5");
    assertThat(matching(new VisibilityFilter.Compare(Field.system(SystemField.EXECUTION_DURATION), Op.EQ, 5L)))
        .containsExactlyInAnyOrder("r4", "r5");
    assertThat(matching(new VisibilityFilter.Or(List.of(
            new VisibilityFilter.Compare(NUM, Op.GT, 6L),
            new VisibilityFilter.Compare(Field.system(SystemField.WORKFLOW_ID), Op.EQ, "w3")))))
        .containsExactlyInAnyOrder("r2", "r3", "r5");
    assertThat(matching(new VisibilityFilter.And(List.of()))).hasSize(5);
    assertThat(matching(new VisibilityFilter.Or(List.of()))).isEmpty();
  }

  @Test
  void prefixMatchIsLiteralAndCaseSensitive() {
    population();
    assertThat(matching(new VisibilityFilter.StartsWith(KW, "a*", false))).containsExactly("r1");
    assertThat(matching(new VisibilityFilter.StartsWith(KW, "a%", false))).containsExactly("r2");
    assertThat(matching(new VisibilityFilter.StartsWith(KW, "a", false))).containsExactlyInAnyOrder("r1", "r2");
    assertThat(matching(new VisibilityFilter.StartsWith(KW, "A", false))).containsExactly("r3");
    assertThat(matching(new VisibilityFilter.StartsWith(KW, "a", true))).containsExactly("r3");
    assertThat(matching(new VisibilityFilter.StartsWith(KW, "[", false))).isEmpty();
    assertThat(matching(new VisibilityFilter.StartsWith(Field.system(SystemField.WORKFLOW_ID), "w", false))).hasSize(5);
  }

  @Test
  void manyTermsStayWithinTheDatabasesExpressionLimits() {
    population();
    List<VisibilityFilter> terms = new ArrayList<>();
    for (int i = 0; i < 2000; i++) terms.add(new VisibilityFilter.Compare(NUM, Op.NE, (long) (1000 + i)));
    assertThat(matching(new VisibilityFilter.And(terms))).containsExactlyInAnyOrder("r1", "r2", "r5");
    List<Object> values = new ArrayList<>();
    for (long i = 0; i < 1000; i++) values.add(i);
    assertThat(matching(new VisibilityFilter.In(NUM, values, false))).containsExactlyInAnyOrder("r1", "r2", "r5");
  }

  // ------------------------------------------------------------------ order and paging

  @Test
  void defaultOrderIsOpenFirstThenCloseThenStartDescending() {
    population();
    assertThat(list(null, List.of(), 2)).containsExactly("r3", "r2", "r1", "r5", "r4");
  }

  @Test
  void explicitOrderPutsMissingValuesLastAndPagesByKey() {
    population();
    List<VisibilityQuery.Sort> byNum = List.of(new VisibilityQuery.Sort(NUM, false));
    // r2 and r5 tie on Num = 7: run id descending breaks the tie; rows without Num come last.
    assertThat(list(null, byNum, 1)).containsExactly("r1", "r5", "r2", "r4", "r3");
    assertThat(list(null, List.of(new VisibilityQuery.Sort(NUM, true)), 2)).containsExactly("r5", "r2", "r1", "r4", "r3");
    assertThat(list(null, List.of(new VisibilityQuery.Sort(Field.system(SystemField.CLOSE_TIME), true)), 1))
        .containsExactly("r5", "r4", "r3", "r2", "r1");
    assertThat(list(null, List.of(new VisibilityQuery.Sort(DBL, true), new VisibilityQuery.Sort(KW, false)), 3))
        .containsExactly("r1", "r2", "r3", "r5", "r4");
  }

  @Test
  void pagingSurvivesInsertsAndRejectsForeignTokens() {
    population();
    VisibilityPage first = vis.list(NS, new VisibilityQuery(null, List.of()), 2, null);
    assertThat(first.executions()).hasSize(2);
    // A new open run sorts first; the next page still continues after the last row seen.
    commit(start(row(NS, "w9", "r9", 1, 99, null, 1, sa())));
    VisibilityPage second = vis.list(NS, new VisibilityQuery(null, List.of()), 2, first.nextPageToken());
    assertThat(second.executions().stream().map(VisibilityStoreContractTest::run)).containsExactly("r1", "r5");
    assertThatThrownBy(
            () -> vis.list(NS, new VisibilityQuery(null, List.of(new VisibilityQuery.Sort(NUM, false))), 2, first.nextPageToken()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> vis.list(NS, new VisibilityQuery(null, List.of()), 2, new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsPerStatus() {
    population();
    assertThat(vis.countByStatus(NS, null)).containsExactly(Map.entry(1, 3L), Map.entry(2, 1L), Map.entry(3, 1L));
    assertThat(vis.countByStatus(NS, new VisibilityFilter.Compare(NUM, Op.EQ, 7L)))
        .containsExactly(Map.entry(1, 1L), Map.entry(3, 1L));
    assertThat(vis.count("other-ns", null)).isEqualTo(1);
    assertThat(vis.count("nobody", null)).isZero();
  }

  // ------------------------------------------------------------------ registry

  @Test
  void searchAttributeRegistryIsPerNamespaceAndDurable() {
    vis.addSearchAttributes(NS, Map.of("Kw", SaType.KEYWORD, "Tags", SaType.KEYWORD_LIST));
    vis.addSearchAttributes("other-ns", Map.of("Kw", SaType.INT));
    vis.addSearchAttributes(NS, Map.of("Kw", SaType.TEXT)); // retype
    vis.removeSearchAttributes(NS, List.of("Tags", "Unknown"));
    Map<String, Map<String, SaType>> expected =
        Map.of(NS, Map.of("Kw", SaType.TEXT), "other-ns", Map.of("Kw", SaType.INT));
    assertThat(vis.loadSearchAttributes()).isEqualTo(expected);
    assumeTrue(durable());
    store.close();
    store = newStore(dir);
    vis = store.visibility();
    assertThat(vis.loadSearchAttributes()).isEqualTo(expected);
  }

  @Test
  void rowsSurviveAReopen() {
    assumeTrue(durable());
    population();
    store.close();
    store = newStore(dir);
    vis = store.visibility();
    assertThat(matching(new VisibilityFilter.Compare(TAGS, Op.EQ, "x"))).containsExactly("r1");
    assertThat(matching(null).stream().collect(Collectors.toSet())).hasSize(5);
  }
}
