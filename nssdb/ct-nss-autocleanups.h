#pragma once

/* private to nssdb/: autoptr cleanups for the NSS types we hold */

#include <cert.h>
#include <glib.h>
#include <keyhi.h>
#include <nss.h>
#include <pk11pub.h>
#include <secitem.h>

static inline void
ct_nss_arena_free(PLArenaPool *arena)
{
	PORT_FreeArena(arena, PR_FALSE);
}

static inline void
ct_nss_item_free(SECItem *item)
{
	SECITEM_FreeItem(item, PR_TRUE);
}

static inline void
ct_nss_oid_sequence_free(CERTOidSequence *seq)
{
	CERT_DestroyOidSequence(seq);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTCertificate, CERT_DestroyCertificate)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTCertList, CERT_DestroyCertList)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PK11SlotInfo, PK11_FreeSlot)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SECItem, ct_nss_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PLArenaPool, ct_nss_arena_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SECKEYPublicKey, SECKEY_DestroyPublicKey)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTOidSequence, ct_nss_oid_sequence_free)

/* a string NSS allocated with PORT_Alloc */
typedef char *ct_nss_string;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC(ct_nss_string, PORT_Free, NULL)
