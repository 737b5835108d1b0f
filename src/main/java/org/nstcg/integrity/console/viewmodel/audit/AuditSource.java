package org.nstcg.integrity.console.viewmodel.audit;

import java.util.Optional;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditPage;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.audit.AuditVerification;

/**
 * The engine calls of the audit screen; the console passes the engine's audit reader acting as the signed-in user
 * (which checks the permission), tests a fake. Every method is slow and may throw, so none is called on the FX thread.
 */
public interface AuditSource {

    AuditPage page(AuditQuery query, Optional<AuditPage.Cursor> after, int size);

    /** The entry at this position of the chain. */
    Optional<AuditEntry> entry(long id);

    /** Recomputes the whole chain (a full read of the trail). */
    AuditVerification verify();
}
