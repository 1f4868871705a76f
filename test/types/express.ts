// logweave/express against Express 5's own types (@types/express).
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { createLogging } from 'logweave';
import { logweaveExpress, logweaveExpressErrors, type HttpIntegrationOptions } from 'logweave/express';
import { expectAssignable } from './expect.ts';

const logging = createLogging();
expectAssignable<RequestHandler>(logweaveExpress(logging));
expectAssignable<RequestHandler>(logweaveExpress(logging, { accessLog: false, echoRequestId: false }));
expectAssignable<ErrorRequestHandler>(logweaveExpressErrors());

const app = express();
app.use(logweaveExpress(logging));
app.get('/', (_req, res) => void res.send('ok'));
app.use(logweaveExpressErrors());

const options: HttpIntegrationOptions = { loggerName: 'http.access', clientErrorsFail: true };
logweaveExpress(logging, options);

// @ts-expect-error the middleware needs the object createLogging() returned
logweaveExpress();
// @ts-expect-error not that object
logweaveExpress({ serviceName: 'checkout' });
// @ts-expect-error an unknown option
logweaveExpress(logging, { acessLog: false });
// @ts-expect-error accessLog is a boolean or an object
logweaveExpress(logging, { accessLog: 'yes' });
// @ts-expect-error the error middleware takes no arguments
logweaveExpressErrors(logging);
// @ts-expect-error the request middleware is not an error handler (it has three parameters)
expectAssignable<ErrorRequestHandler>(logweaveExpress(logging));
