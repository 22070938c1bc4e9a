package id.agenttrust.sdk.identity;

import com.fasterxml.jackson.annotation.JsonValue;
import id.agenttrust.sdk.internal.Facts;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * An agent's Ed25519 key pair (JCA, the JDK's own Ed25519): the public half as SPKI PEM (what
 * {@code agents().create} sends), the private half as PKCS#8 PEM (what a {@link FileKeyStore}
 * keeps). Immutable and thread-safe. Its string and JSON forms show the public PEM only, never
 * the private half.
 */
public final class AgentKeyPair {
  /** An Ed25519 SPKI: a 12-byte algorithm prefix, then the 32-byte public key. */
  private static final int SPKI_LENGTH = 44;

  private static final int SEED_LENGTH = 32;

  private final PublicKey publicKey;
  private final PrivateKey privateKey;
  private final String publicKeyPem;

  private AgentKeyPair(PublicKey publicKey, PrivateKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.publicKeyPem = pem("PUBLIC KEY", publicKey.getEncoded());
    if (publicKey.getEncoded().length != SPKI_LENGTH) throw invalid("the public key is not an Ed25519 key");
  }

  /**
   * A fresh key pair from the JDK's strong random source.
   *
   * @return the key pair
   */
  public static AgentKeyPair generate() {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new AgentKeyPair(kp.getPublic(), kp.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or newer has)", e);
    }
  }

  /**
   * A key pair of JCA keys.
   *
   * @param publicKey the Ed25519 public key
   * @param privateKey its private key
   * @return the key pair
   * @throws id.agenttrust.sdk.exceptions.AgentTrustException VALIDATION_ERROR when the keys are
   *     not Ed25519 keys
   */
  public static AgentKeyPair of(PublicKey publicKey, PrivateKey privateKey) {
    if (publicKey == null || privateKey == null || !isEd25519(publicKey) || !isEd25519(privateKey)) {
      throw invalid("an agent key pair is an Ed25519 public and private key");
    }
    return new AgentKeyPair(publicKey, privateKey);
  }

  /**
   * The key pair of a PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}); the public
   * half is derived from it.
   *
   * @param pem the PEM text
   * @return the key pair
   * @throws id.agenttrust.sdk.exceptions.AgentTrustException VALIDATION_ERROR when the text is not
   *     an Ed25519 PKCS#8 PEM (the message never quotes it)
   */
  public static AgentKeyPair fromPrivateKeyPem(String pem) {
    byte[] seed = null;
    try {
      PrivateKey priv = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(unpem(pem, "PRIVATE KEY")));
      seed = ((EdECPrivateKey) priv).getBytes().orElseThrow(() -> invalid("the private key has no Ed25519 seed"));
      // The JDK derives the public key only while generating: a generator fed the seed as its
      // random bytes makes this very pair (RFC 8032: the public key is a function of the seed).
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      KeyPair kp = g.generateKeyPair();
      byte[] derived = ((EdECPrivateKey) kp.getPrivate()).getBytes().orElse(new byte[0]);
      boolean same = Arrays.equals(derived, seed);
      Arrays.fill(derived, (byte) 0);
      if (!same) throw invalid("cannot derive the public key of this private key");
      return new AgentKeyPair(kp.getPublic(), priv);
    } catch (InvalidAlgorithmParameterException | ClassCastException e) {
      throw invalid("the private key is not an Ed25519 key");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw invalid("the text is not an Ed25519 PKCS#8 private key PEM");
    } finally {
      if (seed != null) Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * The public half as SPKI PEM ({@code -----BEGIN PUBLIC KEY-----}), as {@code agents().create}
   * sends it.
   *
   * @return the PEM text
   */
  public String publicKeyPem() {
    return publicKeyPem;
  }

  /**
   * The private half as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), for a key store to
   * keep. Never send, log or print it.
   *
   * @return the PEM text
   */
  public String privateKeyPem() {
    return pem("PRIVATE KEY", privateKey.getEncoded());
  }

  /**
   * The public key.
   *
   * @return the JCA key
   */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * The raw 32-byte public key (the JWK's {@code x}, RFC 8037).
   *
   * @return a copy of the bytes
   */
  public byte[] rawPublicKey() {
    byte[] spki = publicKey.getEncoded();
    return Arrays.copyOfRange(spki, SPKI_LENGTH - 32, SPKI_LENGTH);
  }

  /**
   * The public key as the JWK members of RFC 8037 ({@code kty}, {@code crv}, {@code x}).
   *
   * @return the members, in RFC 7638 order
   */
  public Map<String, String> publicJwk() {
    return Map.of("kty", "OKP", "crv", "Ed25519", "x", b64url(rawPublicKey()));
  }

  /**
   * The RFC 7638 JWK thumbprint of the public key (what a bound WIMSE token's {@code cnf.jkt}
   * holds).
   *
   * @return base64url SHA-256 of the canonical JWK
   */
  public String thumbprint() {
    String canonical = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + b64url(rawPublicKey()) + "\"}";
    return b64url(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Signs bytes with the private key (Ed25519, RFC 8032).
   *
   * @param data the bytes
   * @return the 64-byte signature
   */
  public byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /**
   * The JSON form: the public PEM only.
   *
   * @return {@code {"public_key": "<PEM>"}}
   */
  @JsonValue
  public Map<String, String> toJson() {
    return Map.of("public_key", publicKeyPem);
  }

  /**
   * The public PEM; the private half reads {@code [redacted]}.
   *
   * @return the string form
   */
  @Override
  public String toString() {
    return "AgentKeyPair{publicKey=" + publicKeyPem.trim() + ", privateKey=[redacted]}";
  }

  /**
   * Equal when both halves are.
   *
   * @param o the other object
   * @return true when equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof AgentKeyPair
        && ((AgentKeyPair) o).publicKeyPem.equals(publicKeyPem)
        && Arrays.equals(((AgentKeyPair) o).privateKey.getEncoded(), privateKey.getEncoded());
  }

  /**
   * By the public half.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return publicKeyPem.hashCode();
  }

  private static boolean isEd25519(java.security.Key k) {
    return "EdDSA".equals(k.getAlgorithm()) || "Ed25519".equals(k.getAlgorithm());
  }

  static String b64url(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  private static byte[] unpem(String pem, String label) {
    if (pem == null) throw invalid("no PEM text");
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int a = pem.indexOf(begin);
    int z = pem.indexOf(end);
    if (a < 0 || z < a) throw invalid("the text is not a " + label + " PEM");
    return Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), z));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  private static RuntimeException invalid(String message) {
    return Facts.validation("key", message);
  }

  /** Hands out one fixed seed as the generator's random bytes. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != SEED_LENGTH) throw new IllegalStateException("unexpected Ed25519 seed length");
      System.arraycopy(seed, 0, bytes, 0, SEED_LENGTH);
    }
  }
}
