// The push and online-QR routes of the fake API (GET and DELETE /push/{tx},
// POST /push/{tx}/decision, POST /qr/approve, GET /login/{id}/challenge-status),
// mixed into FakeApi (fake-api.cjs) by copying this class's methods onto its
// prototype: `this` is the FakeApi.
'use strict';

const { ApiError, field, sameSecret, verifyDeviceSignature } = require('./fake-api-model.cjs');

class PushRoutes {

  /**
   * The push `id`. For the browser's routes `secret` is given and must be the
   * login secret of the push's login; the device's decision route passes none.
   */
  push(id, { secret = null } = {}) {
    const push = this.pushes.get(id);
    if (!push || (secret !== null && !sameSecret(push.login.secret, secret))) throw new ApiError(404, 'push.not_found');
    if (push.status === 'pending' && this.now() >= push.expiresAt) push.status = 'expired';
    return push;
  }

  /** A PushStatus reply; on a poll, the `push` knob may decide a push nobody answered. */
  pushStatus(push, isPoll) {
    if (isPoll && push.status === 'pending') {
      push.polls += 1;
      const { decision, afterPolls } = this.knobs.push;
      if (decision !== 'never' && push.polls >= afterPolls) this.decide(push, decision === 'approve' ? 'approved' : 'denied');
    }
    const body = { status: push.status, expires_at: push.expiresAt };
    if (push.status === 'approved' && push.login.state === 'verified' && push.login.token) {
      body.completion_token = push.login.token.value;
    }
    const headers = push.status === 'pending' ? { 'Retry-After': String(this.knobs.pollRetryAfter) } : {};
    return { body, headers };
  }

  decide(push, status) {
    push.status = status;
    if (status === 'approved') {
      if (push.login.push === push) push.login.challenge.answered = true;
      this.verified(push.login, 'mobile_key');
    }
  }

  cancelPush(push) {
    if (push.status === 'pending') push.status = 'cancelled';
    return this.pushStatus(push, false);
  }

  pushDecision(push, body) {
    const deviceId = field(body, 'device_id');
    const number = field(body, 'number');
    const decision = field(body, 'decision');
    const signature = field(body, 'signature');
    if (!/^[0-9]{2}$/.test(number)) throw new ApiError(400, 'request.bad_field', { args: ['number'] });
    if (!['approve', 'deny', 'not_me'].includes(decision)) throw new ApiError(400, 'request.bad_field', { args: ['decision'] });
    if (deviceId !== push.device.id) throw new ApiError(404, 'device.not_found');
    if (!verifyDeviceSignature(push.device, `SLS-PUSH-1|${push.id}|${number}|${decision}`, signature)) {
      throw new ApiError(401, 'device.bad_signature');
    }
    if (push.status === 'expired') throw new ApiError(410, 'push.expired');
    if (push.status !== 'pending') throw new ApiError(409, 'push.already_decided');
    // Number matching: a wrong number refuses the request.
    this.decide(push, decision === 'approve' && number === push.number ? 'approved' : 'denied');
    push.decidedBy = decision;
    return this.pushStatus(push, false);
  }

  qrApprove(body) {
    const deviceId = field(body, 'device_id');
    const payload = field(body, 'payload', 1024);
    const signature = field(body, 'signature');
    const device = this.devices.get(deviceId);
    if (!device || device.kind !== 'mobile_key') throw new ApiError(401, 'device.bad_signature');
    if (!verifyDeviceSignature(device, `SLS-QR-1|${payload}|approve`, signature)) {
      throw new ApiError(401, 'device.bad_signature');
    }
    const open = this.challengesByPayload.get(payload);
    if (!open || open.challenge.deviceId !== deviceId || open.login.challenge !== open.challenge) {
      throw new ApiError(410, 'challenge.not_found');
    }
    if (open.challenge.answered) throw new ApiError(410, 'challenge.used');
    if (this.now() >= open.challenge.expiresAt) throw new ApiError(410, 'challenge.expired');
    open.challenge.answered = true;
    open.challenge.approvedOnline = true;
    this.verified(open.login, 'mobile_key');
    return { body: {} };
  }

  challengeStatus(login) {
    const challenge = login.challenge;
    if (!challenge || challenge.method !== 'ocra') throw new ApiError(404, 'challenge.not_found');
    const expiresAt = challenge.expiresAt;
    if (challenge.approvedOnline && login.state === 'verified') {
      return { body: { status: 'approved', expires_at: expiresAt, completion_token: login.token.value } };
    }
    if (this.now() >= expiresAt) return { body: { status: 'expired', expires_at: expiresAt } };
    return { body: { status: 'pending', expires_at: expiresAt }, headers: { 'Retry-After': String(this.knobs.pollRetryAfter) } };
  }
}

module.exports = { PushRoutes };
