package dev.junction.engine.internal;

import dev.junction.engine.Candidate;
import dev.junction.engine.CircuitConfig;
import dev.junction.engine.fakes.FakeClock;
import dev.junction.engine.fakes.Models;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InMemoryBudgetLedgerTest {
    private final ModelEntry entry = new ModelEntry(Models.model("a", "m", 1, 1, 0.5), 0, null,
            new Health(CircuitConfig.ofDefaults(), new FakeClock()));

    private InMemoryBudgetLedger.Hold hold(InMemoryBudgetLedger ledger, double cost) {
        return ledger.hold("acme", new Candidate[]{new Candidate(entry.descriptor(), cost, Duration.ZERO, 0.5, 0)},
                new ModelEntry[]{entry});
    }

    @SuppressWarnings("unchecked")
    private static Map<String, DoubleAdder> tenantSpend(InMemoryBudgetLedger ledger) throws Exception {
        Field f = InMemoryBudgetLedger.class.getDeclaredField("tenantSpend");
        f.setAccessible(true);
        return (Map<String, DoubleAdder>) f.get(ledger);
    }

    /**
     * A request that ends (records its cost, then gives its hold back) on another thread while a new request reads
     * what is left must be counted once, as a hold or as spend, never not at all.
     */
    @Test
    void aRequestEndingWhileTheRemainderIsReadIsStillCounted() throws Exception {
        InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
        ledger.setTenantCap("acme", 1.0);
        InMemoryBudgetLedger.Hold first = hold(ledger, 0.4);
        assertEquals(1, first.fits());
        // The first request ends right after the spend was read for the next hold.
        tenantSpend(ledger).put("acme", new DoubleAdder() {
            private boolean ended;

            @Override
            public double sum() {
                double spent = super.sum();
                if (!ended) {
                    ended = true;
                    ledger.record("acme", "a", 0.4);
                    first.release();
                }
                return spent;
            }
        });
        InMemoryBudgetLedger.Hold second = hold(ledger, 0.7);
        assertEquals(0, second.fits(), "$0.40 spent and $0.70 more would pass the $1 cap");
        assertEquals(0.6, ledger.tenantRemaining("acme"), 1e-12);
    }
}
