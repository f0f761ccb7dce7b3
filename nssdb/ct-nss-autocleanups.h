/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

/* SECKEY_DestroyPrivateKeyInfo zeroes the key before it frees the arena */
static inline void
ct_nss_private_key_info_free(SECKEYPrivateKeyInfo *info)
{
	SECKEY_DestroyPrivateKeyInfo(info, PR_TRUE);
}

/* a SECItem holding key material: zeroed before it is freed */
typedef SECItem CtNssSecretItem;

static inline void
ct_nss_secret_item_free(CtNssSecretItem *item)
{
	SECITEM_ZfreeItem(item, PR_TRUE);
}

/* a SECItem on the stack whose data NSS allocated (PK11_ReadRawAttribute, ...) */
static inline void
ct_nss_item_clear(SECItem *item)
{
	SECITEM_FreeItem(item, PR_FALSE);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTCertificate, CERT_DestroyCertificate)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTCertList, CERT_DestroyCertList)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PK11SlotInfo, PK11_FreeSlot)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SECItem, ct_nss_item_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SECItem, ct_nss_item_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PLArenaPool, ct_nss_arena_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SECKEYPublicKey, SECKEY_DestroyPublicKey)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTOidSequence, ct_nss_oid_sequence_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTName, CERT_DestroyName)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTValidity, CERT_DestroyValidity)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTCertificateRequest, CERT_DestroyCertificateRequest)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CERTSubjectPublicKeyInfo, SECKEY_DestroySubjectPublicKeyInfo)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SECKEYPrivateKey, SECKEY_DestroyPrivateKey)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SECKEYPrivateKeyInfo, ct_nss_private_key_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CtNssSecretItem, ct_nss_secret_item_free)
/* frees the whole list the object is linked into, never the token objects */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PK11GenericObject, PK11_DestroyGenericObjects)

/* a string NSS allocated with PORT_Alloc */
typedef char *ct_nss_string;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC(ct_nss_string, PORT_Free, NULL)
