package io.certigate.fleet.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.fleet.ingest.AckWindow.Ack;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class AckWindowTest {

    @Test
    void acknowledgementsLeaveInArrivalOrderWhateverTheOrderKafkaAnswersIn() {
        AckWindow w = new AckWindow(8);
        long a = w.add(11, 1);
        long b = w.add(12, 1);
        long c = w.add(13, 1);
        assertThat(w.complete(c)).isEmpty(); // 11 and 12 are not done: 13 waits
        assertThat(w.complete(b)).isEmpty();
        assertThat(w.complete(a)).containsExactly(new Ack(11, 1), new Ack(12, 1), new Ack(13, 1));
        assertThat(w.size()).isZero();
    }

    @Test
    void aMessageThatIsNeverDoneHoldsBackEveryLaterOneAndClosingDropsThemAll() {
        AckWindow w = new AckWindow(8);
        long a = w.add(1, 1);
        long failed = w.add(2, 1);
        long c = w.add(3, 1);
        assertThat(w.complete(a)).containsExactly(new Ack(1, 1));
        assertThat(w.complete(c)).isEmpty();
        assertThat(w.close()).isEqualTo(2);
        assertThat(w.complete(failed)).isEmpty();
        assertThat(w.add(4, 1)).isEqualTo(-1);
        assertThat(w.close()).isZero();
    }

    @Test
    void itHoldsAtMostItsCapacityAndWrapsAround() {
        AckWindow w = new AckWindow(2);
        long a = w.add(1, 1);
        long b = w.add(2, 0);
        assertThat(w.add(3, 1)).isEqualTo(-1);
        assertThat(w.complete(a)).containsExactly(new Ack(1, 1));
        long c = w.add(3, 1);
        assertThat(w.complete(b)).containsExactly(new Ack(2, 0));
        assertThat(w.complete(c)).containsExactly(new Ack(3, 1));
        assertThat(w.complete(c)).as("a slot completes once").isEmpty();
        assertThat(w.complete(c + 1)).as("a slot not yet given").isEmpty();
    }

    @Test
    void randomCompletionOrdersAcknowledgeEveryMessageOnceInArrivalOrder() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            AckWindow w = new AckWindow(64);
            List<Long> slots = new ArrayList<>();
            for (int id = 1; id <= 64; id++) {
                slots.add(w.add(id, 1));
            }
            Collections.shuffle(slots, random);
            List<Integer> acked = new ArrayList<>();
            for (long s : slots) {
                w.complete(s).forEach(x -> acked.add(x.messageId()));
            }
            assertThat(acked).as("seed " + seed).hasSize(64).isSorted();
        }
    }
}
