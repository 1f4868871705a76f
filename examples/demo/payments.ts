/**
 * The payments service (Express): screens a charge for fraud and authorizes it with a (fake)
 * card issuer. Charges with the card token `tok_issuer_down` fail deep inside, three calls
 * down, the way a real dependency outage does.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
// In your service: import { ... } from 'logweave' and 'logweave/express'.
import type { Logging } from '../../src/index.ts';
import { logweaveExpress, logweaveExpressErrors } from '../../integrations/express/index.ts';

export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  card: string;
}

class IssuerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IssuerUnavailableError';
  }
}

export function createPaymentsApp(logging: Logging): express.Express {
  const log = logging.getLogger('payments.charges');
  const fraudLog = logging.getLogger('payments.fraud');
  const issuerLog = logging.getLogger('payments.processor');

  async function screenForFraud(charge: ChargeRequest): Promise<number> {
    fraudLog.debug('loading risk model', { 'risk.model': 'v7' });
    const score = (charge.amountCents % 97) / 100;
    await pause(1);
    fraudLog.info('risk scored', { 'order.id': charge.orderId, 'risk.score': score });
    return score;
  }

  async function callIssuer(charge: ChargeRequest, attempt: number): Promise<string> {
    await pause(2);
    if (charge.card === 'tok_issuer_down') {
      throw new IssuerUnavailableError(`issuer did not answer within 2000 ms (attempt ${attempt})`);
    }
    return `ch_${charge.orderId}`;
  }

  async function authorize(charge: ChargeRequest): Promise<string> {
    issuerLog.info('authorizing with issuer', {
      'order.id': charge.orderId,
      'amount.cents': charge.amountCents,
    });
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await callIssuer(charge, attempt);
      } catch (error) {
        if (attempt === 3) throw error;
        issuerLog.warn('issuer call failed, retrying', { attempt, err: error });
      }
    }
  }

  // Orders whose first charge found the issuer busy: the second one goes through.
  const busyOnce = new Set<string>();
  const app = express();
  app.use(logweaveExpress(logging));
  app.use(express.json());
  app.post('/charges', async (req: Request, res: Response) => {
    const charge = req.body as ChargeRequest;
    log.info('charge requested', { 'order.id': charge.orderId, 'amount.cents': charge.amountCents });
    if (charge.card === 'tok_issuer_busy' && !busyOnce.has(charge.orderId)) {
      busyOnce.add(charge.orderId);
      await screenForFraud(charge);
      issuerLog.error('issuer busy, charge not attempted', { 'order.id': charge.orderId });
      res.status(503).json({ error: 'issuer busy, try again' });
      return;
    }
    await screenForFraud(charge);
    const chargeId = await authorize(charge);
    log.info('charge captured', { 'order.id': charge.orderId, 'charge.id': chargeId });
    res.status(201).json({ chargeId });
  });
  // Logs the error thrown above once (ERROR, with exception.*) and marks the request failed,
  // so its sampled-out INFO lines are kept by the error buffer.
  app.use(logweaveExpressErrors());
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: error.message });
  });
  return app;
}

function pause(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
