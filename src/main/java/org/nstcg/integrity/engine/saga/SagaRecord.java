package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A saga as logged: its row and, when loaded with them, its events in order. */
public record SagaRecord(UUID id, String type, String businessKey, SagaStatus status, int currentStep, int stepCount,
                         Optional<String> owner, Optional<Instant> leaseExpiresAt, Optional<String> lastError, JsonNode data,
                         Instant createdAt, Instant updatedAt, Optional<Instant> finishedAt, List<SagaEvent> events) {

    /** Time from start to finish, or to now when still running. */
    public Duration duration(Instant now) {
        return Duration.between(createdAt, finishedAt.orElse(now));
    }
}
